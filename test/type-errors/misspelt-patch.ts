// Must NOT compile (test/client-package.test.ts runs tsc on it): a PATCH with a misspelt field.
import { ValaraClient } from "../../client/index.js";

const valara = new ValaraClient({ baseUrl: "http://127.0.0.1:3000", apiKey: "vk_example" });
await valara.users.update("abc123", { dispaly_name: "John D." });
