/**
 * A reference to an entity another subgraph owns (`User`, `Order`, `Event`...): the subgraph
 * that holds it knows, and returns, only its key; the gateway resolves the rest from the owner.
 */
export interface EntityRef {
  id: string;
}

export const entityRef = (id: string): EntityRef => ({ id });
