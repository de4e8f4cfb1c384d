import { DECIMAL_COLUMN_TYPE, NAMED_COLUMN_TYPES } from './private/job-contract';

/**
 * The Iceberg type of a column whose DynamoDB attribute should not get the inferred type.
 *
 * By default the Spark job infers each column's type from the data (see the README's type
 * mapping); an override fixes it, for example `NUMBER_AS_TEXT` to keep a number attribute as exact text.
 */
export class ColumnType {
  /** 64-bit integer; values that are not integers in int64 go to `_unmapped`. */
  public static readonly LONG = new ColumnType(NAMED_COLUMN_TYPES.long.name);

  /** 64-bit floating point (lossy for numbers with more than 15-17 significant digits). */
  public static readonly DOUBLE = new ColumnType(NAMED_COLUMN_TYPES.double.name);

  /**
   * A number attribute kept as text, every digit exact, in one canonical form (no exponent, no trailing
   * zeros: `1.50` and `1.5` are both `1.5`), so that equal numbers are equal strings. For numbers
   * beyond `decimal(38, s)` or that must round-trip exactly. Values that are not numbers go to `_unmapped`.
   */
  public static readonly NUMBER_AS_TEXT = new ColumnType(NAMED_COLUMN_TYPES.numberAsText.name);

  /**
   * A number attribute kept as text (the same type as `NUMBER_AS_TEXT`).
   *
   * @deprecated use `NUMBER_AS_TEXT`: this type does not turn any attribute into a string, it keeps a
   * number attribute as exact text (values that are not numbers go to `_unmapped`)
   */
  public static readonly STRING = ColumnType.NUMBER_AS_TEXT;

  /** The value as plain JSON text (maps and lists of mixed types). */
  public static readonly JSON = new ColumnType(NAMED_COLUMN_TYPES.json.name);

  /**
   * Exact decimal with 38 digits of precision and the given scale.
   *
   * @param scale digits after the decimal point, 0 to 38
   */
  public static decimal(scale: number): ColumnType {
    const { name, precision, maxScale } = DECIMAL_COLUMN_TYPE;
    if (!Number.isInteger(scale) || scale < 0 || scale > maxScale) {
      throw new Error(`ColumnType.decimal(scale): scale must be an integer from 0 to ${maxScale}, got ${scale}`);
    }
    return new ColumnType(`${name}(${precision},${scale})`);
  }

  /** The type as the Spark job reads it in `--column-types`, e.g. `decimal(38,2)`. */
  public readonly typeName: string;

  private constructor(typeName: string) {
    this.typeName = typeName;
  }
}
