/** US states, DC and the inhabited territories: USPS code and full name. */
const STATES: ReadonlyArray<readonly [string, string]> = [
  ["AL", "Alabama"],
  ["AK", "Alaska"],
  ["AZ", "Arizona"],
  ["AR", "Arkansas"],
  ["CA", "California"],
  ["CO", "Colorado"],
  ["CT", "Connecticut"],
  ["DE", "Delaware"],
  ["FL", "Florida"],
  ["GA", "Georgia"],
  ["HI", "Hawaii"],
  ["ID", "Idaho"],
  ["IL", "Illinois"],
  ["IN", "Indiana"],
  ["IA", "Iowa"],
  ["KS", "Kansas"],
  ["KY", "Kentucky"],
  ["LA", "Louisiana"],
  ["ME", "Maine"],
  ["MD", "Maryland"],
  ["MA", "Massachusetts"],
  ["MI", "Michigan"],
  ["MN", "Minnesota"],
  ["MS", "Mississippi"],
  ["MO", "Missouri"],
  ["MT", "Montana"],
  ["NE", "Nebraska"],
  ["NV", "Nevada"],
  ["NH", "New Hampshire"],
  ["NJ", "New Jersey"],
  ["NM", "New Mexico"],
  ["NY", "New York"],
  ["NC", "North Carolina"],
  ["ND", "North Dakota"],
  ["OH", "Ohio"],
  ["OK", "Oklahoma"],
  ["OR", "Oregon"],
  ["PA", "Pennsylvania"],
  ["RI", "Rhode Island"],
  ["SC", "South Carolina"],
  ["SD", "South Dakota"],
  ["TN", "Tennessee"],
  ["TX", "Texas"],
  ["UT", "Utah"],
  ["VT", "Vermont"],
  ["VA", "Virginia"],
  ["WA", "Washington"],
  ["WV", "West Virginia"],
  ["WI", "Wisconsin"],
  ["WY", "Wyoming"],
  ["DC", "District of Columbia"],
  ["AS", "American Samoa"],
  ["GU", "Guam"],
  ["MP", "Northern Mariana Islands"],
  ["PR", "Puerto Rico"],
  ["VI", "U.S. Virgin Islands"],
  ["UM", "U.S. Minor Outlying Islands"],
];

const CODE_BY_SPELLING = new Map<string, string>();
for (const [code, name] of STATES) {
  CODE_BY_SPELLING.set(code.toLowerCase(), code);
  CODE_BY_SPELLING.set(name.toLowerCase(), code);
}
CODE_BY_SPELLING.set("us virgin islands", "VI");
CODE_BY_SPELLING.set("virgin islands", "VI");
CODE_BY_SPELLING.set("washington dc", "DC");
CODE_BY_SPELLING.set("washington, d.c.", "DC");

/** Two-letter code for a code (any case) or full name; undefined when it is neither. */
export function toStateCode(value: string): string | undefined {
  return CODE_BY_SPELLING.get(value.toLowerCase().replace(/\s+/g, " "));
}

export const STATE_CODES: readonly string[] = STATES.map(([code]) => code);
