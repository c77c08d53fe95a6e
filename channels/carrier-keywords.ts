// The keywords SMS carriers (and Twilio's Advanced Opt-Out) act on when sent as a whole message. Only for
// channels that declare `carrierKeywords`: on web chat "stop" is just a word.

const OPT_OUT = /^\s*(stop|stopall|stop all|unsubscribe|cancel|end|quit|revoke|optout|opt out)\s*[.!]?\s*$/i;
const OPT_IN = /^\s*(start|unstop)\s*[.!]?\s*$/i;

/** STOP and its synonyms: the carrier stops our texts to this number. */
export function isOptOutWord(text: string): boolean {
  return OPT_OUT.test(text);
}

/** START or UNSTOP: texts may reach this number again. */
export function isOptInWord(text: string): boolean {
  return OPT_IN.test(text);
}
