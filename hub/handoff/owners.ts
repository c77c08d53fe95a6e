// Which service each need goes to. Pure: the directory and the needs in, one hand-off per owning service out.
// A need owned by several services goes to the one with the lowest priority number (then by name, so the
// choice is stable); a need no active service owns stays with the hub's own agents.

export interface OwningService {
  id: string;
  name: string;
  needs: readonly string[];
  priority: number;
  active: boolean;
}

export interface NeedToHand {
  code: string;
  urgent: boolean;
}

export interface PlannedHandoff {
  serviceId: string;
  /** The needs this service gets, in the order they were given. */
  needs: string[];
  urgent: boolean;
}

export interface HandoffPlan {
  handoffs: PlannedHandoff[];
  /** Needs no active service owns. */
  unowned: string[];
}

export function ownerOf<S extends OwningService>(code: string, services: readonly S[]): S | undefined {
  let best: S | undefined;
  for (const service of services) {
    if (!service.active || !service.needs.includes(code)) continue;
    if (!best || service.priority < best.priority || (service.priority === best.priority && service.name < best.name)) best = service;
  }
  return best;
}

export function planHandoffs(needs: readonly NeedToHand[], services: readonly OwningService[]): HandoffPlan {
  const byService = new Map<string, PlannedHandoff>();
  const unowned: string[] = [];
  for (const need of needs) {
    const owner = ownerOf(need.code, services);
    if (!owner) {
      if (!unowned.includes(need.code)) unowned.push(need.code);
      continue;
    }
    const planned = byService.get(owner.id) ?? { serviceId: owner.id, needs: [], urgent: false };
    if (!planned.needs.includes(need.code)) planned.needs.push(need.code);
    planned.urgent ||= need.urgent;
    byService.set(owner.id, planned);
  }
  // Urgent hand-offs first: they are delivered (and read) first.
  const handoffs = [...byService.values()].sort((a, b) => Number(b.urgent) - Number(a.urgent));
  return { handoffs, unowned };
}
