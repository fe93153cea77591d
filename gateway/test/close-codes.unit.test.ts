import { CloseCode } from 'graphql-ws';
import { GatewayCloseCode } from '../src/subscriptions/subscription';

test("the gateway's own close codes are in the application range and collide with none of graphql-ws's", () => {
  const taken = Object.values(CloseCode).filter((v): v is number => typeof v === 'number');
  for (const code of Object.values(GatewayCloseCode)) {
    expect(code).toBeGreaterThanOrEqual(4000);
    expect(code).toBeLessThan(5000);
    expect(taken).not.toContain(code);
  }
});
