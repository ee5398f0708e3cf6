/** Argument checks that throw a RangeError naming the field and the value. */
export function integerIn(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max)
    throw new RangeError(`${name} must be an integer from ${min} to ${max} (got ${value})`);
}
