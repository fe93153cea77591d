import { badInput } from '../../../../shared/errors';
import { MAX_EMAIL_LENGTH, email, httpUrl, isUuid, locale, text, uuid } from '../../../../shared/validation';

export { MAX_EMAIL_LENGTH, email, httpUrl, isUuid, locale, text, uuid };

export const MAX_PASSWORD_LENGTH = 128;

/** Input rules of the users domain. Each check throws `BAD_USER_INPUT` naming the field. */

const PHONE = /^\+[0-9]{7,15}$/;

export function password(field: string, value: string): string {
  if (value.length < 8) throw badInput(field, 'Password must be at least 8 characters');
  if (value.length > MAX_PASSWORD_LENGTH) {
    throw badInput(field, `Password must be at most ${MAX_PASSWORD_LENGTH} characters`);
  }
  return value;
}

export function phone(field: string, value: string): string {
  const compact = value.replace(/[\s()-]/g, '');
  if (!PHONE.test(compact)) throw badInput(field, 'Phone must be in international format, e.g. +34600123456');
  return compact;
}
