#!/usr/bin/env node
// Built by `npm ci` (prepare → tsc); run `npm run build` after changing src/.
import "../dist/cli/valara.js";
