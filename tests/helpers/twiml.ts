// Reads TwiML the way Twilio does, as XML: the verbs under <Response>, in order, with their attributes.
import { XMLParser } from 'fast-xml-parser';

export interface TwimlVerb {
  verb: string;
  attrs: Record<string, string>;
  text: string;
  children: TwimlVerb[];
}

type Ordered = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, parseAttributeValue: false });

function toVerbs(nodes: Ordered[]): TwimlVerb[] {
  const verbs: TwimlVerb[] = [];
  for (const node of nodes) {
    const name = Object.keys(node).find((k) => k !== ':@' && k !== '#text');
    if (!name || name === '?xml') continue;
    const inner = node[name] as Ordered[];
    verbs.push({
      verb: name,
      attrs: node[':@'] ?? {},
      text: inner
        .filter((n) => '#text' in n)
        .map((n) => String(n['#text']))
        .join(''),
      children: toVerbs(inner),
    });
  }
  return verbs;
}

/** The verbs of a TwiML document; throws unless it is a <Response>. */
export function parseTwiml(xml: string): TwimlVerb[] {
  const top = toVerbs(parser.parse(xml) as Ordered[]);
  if (top.length !== 1 || top[0]!.verb !== 'Response') throw new Error(`not a TwiML <Response>: ${xml}`);
  return top[0]!.children;
}
