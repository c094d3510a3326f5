// What an operator's resolution stands for when a money-moving wait reached its deadline on a
// status the profile does not know (waits.ts `unknownAtDeadline`): "applied" is the success the
// provider did not name in a way we know, "not applied" the failure. Each provider's reading of
// a resolution is in workflows/<provider>/unknown-status.ts.

/** The reason a result carries when an operator resolved its wait as not applied. */
export const NOT_APPLIED = 'resolved by an operator as not applied';
