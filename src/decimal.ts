/** A number written in decimal (a sign, digits, a point, an exponent): not `0x10`, `0b11` or `Infinity`, which Number() alone also reads. */
export const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
