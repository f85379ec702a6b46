/**
 * True when no stored text can equal `value`: PostgreSQL's text cannot hold NUL and refuses a
 * query that binds one (22021, a 500), where SQLite just finds nothing. Repositories looking a
 * row up by a value from the request answer "not found" for these without asking either database.
 */
export const matchesNoStoredText = (value: string): boolean => value.includes("\0");
