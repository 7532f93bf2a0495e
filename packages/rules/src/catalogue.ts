/**
 * Every platform rule by ID: a short title and the sources it comes from. The source articles are
 * numbered `000`–`004`; `public` marks a well-known public Tmall rule or figure. This is the
 * repository's own list of rules: the coverage test, `docs/rules.md` and the rule index are checked
 * against it, and a separate test compares it with the written specification when that is at hand.
 */

export type RuleSource = '000' | '001' | '002' | '003' | '004' | 'public'

export interface CatalogueEntry {
  id: string
  title: string
  sources: readonly RuleSource[]
}

export const RULE_CATALOGUE: readonly CatalogueEntry[] = [
  { id: 'CAL-1', title: 'Two selling waves', sources: ['000'] },
  { id: 'CAL-2', title: 'Calendars are data', sources: ['000', '003'] },
  { id: 'CAL-3', title: 'Traffic curve with launch spikes', sources: ['public'] },

  { id: 'REG-1', title: 'Registration windows', sources: ['000'] },
  { id: 'REG-2', title: 'Wave conflict', sources: ['000'] },
  { id: 'REG-3', title: 'Shop eligibility', sources: ['000', '002'] },
  { id: 'REG-4', title: 'Mandatory cross-store coupon', sources: ['000'] },

  { id: 'PRICE-1', title: 'Campaign tiers', sources: ['001'] },
  { id: 'PRICE-2', title: 'Price validation', sources: ['001'] },
  { id: 'PRICE-3', title: 'Cross-store coupon', sources: ['000'] },
  { id: 'PRICE-4', title: 'To-hand price', sources: ['000'] },
  { id: 'PRICE-5', title: 'Price protection', sources: ['000'] },

  { id: 'SHIP-1', title: 'Ship deadline', sources: ['000', '001'] },
  { id: 'SHIP-2', title: 'Trace update', sources: ['000', '001'] },
  { id: 'SHIP-3', title: 'Negotiated ship time', sources: ['001'] },
  { id: 'SHIP-4', title: 'Delay report', sources: ['000', '001'] },
  { id: 'SHIP-5', title: 'Region restriction', sources: ['001'] },
  { id: 'SHIP-6', title: 'Free-shipping claims', sources: ['004'] },

  { id: 'PAY-1', title: 'Late-shipment compensation', sources: ['000', 'public'] },
  { id: 'PAY-2', title: 'No-auto-compensation window', sources: ['000'] },
  { id: 'PAY-3', title: 'Oversell compensation', sources: ['public'] },
  { id: 'PAY-4', title: 'Presale compensation', sources: ['002'] },
  { id: 'PAY-5', title: 'Complaint handling', sources: ['001'] },
  { id: 'PAY-6', title: 'Mass-delay warning', sources: ['002'] },
  { id: 'PAY-7', title: 'Appeals', sources: ['002'] },
  { id: 'PAY-8', title: 'Instant refund', sources: ['002'] },

  { id: 'EXP-1', title: 'Reply rate', sources: ['001'] },
  { id: 'EXP-2', title: 'Manual response time', sources: ['001'] },
  { id: 'EXP-3', title: 'Composite experience score', sources: ['002'] },
  { id: 'EXP-4', title: 'Consultation mix', sources: ['003', '004'] },
]

/** The rule families, in catalogue order. */
export const RULE_FAMILIES = ['CAL', 'REG', 'PRICE', 'SHIP', 'PAY', 'EXP'] as const

/** The catalogue entry of `id`, or undefined. */
export function catalogueEntry(id: string): CatalogueEntry | undefined {
  return RULE_CATALOGUE.find((rule) => rule.id === id)
}
