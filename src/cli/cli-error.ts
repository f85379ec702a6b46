/** A failure the CLI reports as one line on stderr with a non-zero exit code. */
export class CliError extends Error {
  override name = "CliError";
}
