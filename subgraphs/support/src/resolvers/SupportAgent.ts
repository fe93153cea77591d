import { entityRef } from '../../../../shared/entities';
import type { SupportAgentResolvers } from '../__generated__/resolvers-types';

export const SupportAgent: SupportAgentResolvers = {
  agent: (a) => entityRef(a.agentId),
};
