import { badInput } from '../../../../shared/errors';
import { text, uuid } from '../../../../shared/validation';

export { text, uuid };

/** An integer in [min, max], else BAD_USER_INPUT naming `field`. */
export function int(field: string, value: number, { min, max }: { min: number; max: number }): number {
  if (!Number.isInteger(value) || value < min || value > max)
    throw badInput(field, `${field} must be an integer between ${min} and ${max}`);
  return value;
}

/** Like `int`, for optional values (null stays null). */
export function optionalInt(field: string, value: number | null | undefined, range: { min: number; max: number }) {
  return value == null ? null : int(field, value, range);
}

export function multiplier(field: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0 || value > 10)
    throw badInput(field, `${field} must be more than 0 and at most 10`);
  return value;
}

/** A window: `until`, when both are given, must come after `from`. */
export function window(
  fromField: string,
  from: Date | null | undefined,
  untilField: string,
  until: Date | null | undefined,
) {
  if (from && until && until.getTime() <= from.getTime())
    throw badInput(untilField, `${untilField} must be after ${fromField}`);
  return { from: from ?? null, until: until ?? null };
}

export const MAX_POINTS = 1_000_000;
