import type { Stack } from './stack';

/** Registers a user through the gateway and, when roles are given, grants them in the database. */
export async function signUp(
  stack: Stack,
  email: string,
  options: { roles?: ('CUSTOMER' | 'ORGANIZER' | 'SCANNER' | 'AGENT' | 'ADMIN')[]; password?: string } = {},
): Promise<{ id: string; accessToken: string; refreshToken: string }> {
  const res = await stack.gql(
    `mutation($input: RegisterInput!) { register(input: $input) { accessToken refreshToken user { id } } }`,
    { input: { email, password: options.password ?? 'a-good-password', name: email.split('@')[0] } },
  );
  if (res.errors) throw new Error(`register ${email}: ${res.errors[0]!.message}`);
  const { accessToken, refreshToken, user } = res.data!.register;
  // Roles are read with the session on every request, so the token works with them at once.
  if (options.roles) await stack.db.user.update({ where: { id: user.id }, data: { roles: options.roles } });
  return { id: user.id, accessToken, refreshToken };
}

export const codeOf = (res: { errors?: { extensions?: { code?: string } }[] }) => res.errors?.[0]?.extensions?.code;
