/**
 * The Iceberg type of a column whose DynamoDB attribute should not get the inferred type.
 *
 * By default the Spark job infers each column's type from the data (see the README's type
 * mapping); an override fixes it, for example to keep a number attribute as exact text.
 */
export class ColumnType {
  /** 64-bit integer; values that are not integers in int64 go to `_unmapped`. */
  public static readonly LONG = new ColumnType('long');

  /** 64-bit floating point (lossy for numbers with more than 15-17 significant digits). */
  public static readonly DOUBLE = new ColumnType('double');

  /** The value as text: for a number attribute, the number exactly as DynamoDB holds it. */
  public static readonly STRING = new ColumnType('string');

  /** The value as plain JSON text (maps and lists of mixed types). */
  public static readonly JSON = new ColumnType('json');

  /**
   * Exact decimal with 38 digits of precision and the given scale.
   *
   * @param scale digits after the decimal point, 0 to 38
   */
  public static decimal(scale: number): ColumnType {
    if (!Number.isInteger(scale) || scale < 0 || scale > 38) {
      throw new Error(`ColumnType.decimal(scale): scale must be an integer from 0 to 38, got ${scale}`);
    }
    return new ColumnType(`decimal(38,${scale})`);
  }

  /** The type as the Spark job reads it in `--column-types`, e.g. `decimal(38,2)`. */
  public readonly typeName: string;

  private constructor(typeName: string) {
    this.typeName = typeName;
  }
}
