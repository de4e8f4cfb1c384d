package io.github.dynamoicebergmirror.engine;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The shape of the values seen of one attribute, as inference.py defines it: ShapeReader observes one
 * value, merge covers two. A merge may change its first shape: every shape has one owner (an attribute's
 * statistics, or the list or map shape holding it).
 */
final class Shape implements Serializable {
  private static final long serialVersionUID = 1L;
  /** A map becomes a struct when it has at most this many distinct keys (inference.MAX_STRUCT_FIELDS). */
  static final int MAX_STRUCT_FIELDS = 32;
  /** Levels of values below an attribute (inference.MAX_LEVELS). */
  static final int MAX_LEVELS = 33;
  /** Digit counts above this never fit decimal(38, s) (inference._DIGIT_CAP). */
  private static final int DIGIT_CAP = 39;

  static final Shape S = new Shape("S");
  static final Shape B = new Shape("B");
  static final Shape BOOL = new Shape("BOOL");
  static final Shape NULL = new Shape("NULL");
  static final Shape SS = new Shape("SS");
  static final Shape BS = new Shape("BS");
  static final Shape LJ = new Shape("LJ");
  static final Shape MJ = new Shape("MJ");

  final String tag;
  // N and NS: every value an int64, and counts per (scale, whole digits), both capped.
  private boolean allInt64;
  private Histogram histogram;
  // L: the merged element shape, null while no element was seen.
  private Shape element;
  // M: the merged shape of each key.
  private LinkedHashMap<String, Shape> fields;

  private Shape(String tag) {
    this.tag = tag;
  }

  static Shape number(String tag, NumberShape number) {
    Shape shape = new Shape(tag);
    shape.allInt64 = number.isInt64;
    shape.histogram = new Histogram(Math.min(number.scale, DIGIT_CAP) * 64 + Math.min(number.wholeDigits, DIGIT_CAP));
    return shape;
  }

  /** The family of a shape: shapes of one family always merge. */
  String family() {
    if (tag.equals("LJ")) return "L";
    if (tag.equals("MJ")) return "M";
    return tag;
  }

  static Shape list(Shape element) {
    Shape shape = new Shape("L");
    shape.element = element;
    return shape;
  }

  static Shape map(LinkedHashMap<String, Shape> fields) {
    Shape shape = new Shape("M");
    shape.fields = fields;
    return shape;
  }

  /** The shape covering both, or null when they conflict; may change and return `a`. */
  static Shape merge(Shape a, Shape b) {
    if (a.tag.equals("NULL")) return b;
    if (b.tag.equals("NULL")) return a;
    if (!a.family().equals(b.family())) return null;
    if (!a.tag.equals(b.tag)) return a.family().equals("L") ? LJ : MJ;
    switch (a.tag) {
      case "N":
      case "NS":
        a.allInt64 = a.allInt64 && b.allInt64;
        a.histogram.add(b.histogram);
        return a;
      case "L":
        if (a.element == null || b.element == null) return b.element == null ? a : b;
        Shape element = merge(a.element, b.element);
        if (element == null) return LJ;
        a.element = element;
        return a;
      case "M":
        for (Map.Entry<String, Shape> entry : b.fields.entrySet()) {
          Shape known = a.fields.get(entry.getKey());
          Shape merged = known == null ? entry.getValue() : merge(known, entry.getValue());
          if (merged == null) return MJ;
          a.fields.put(entry.getKey(), merged);
        }
        return a.fields.size() <= MAX_STRUCT_FIELDS ? a : MJ;
      default:
        return a;
    }
  }

  /** As JSON lists for the Python driver (jvm_reader._shape): ["N", all_int64, [[scale, whole, count], ...]], ... */
  void json(StringBuilder out) {
    out.append("[\"").append(tag).append('"');
    switch (tag) {
      case "N":
      case "NS":
        out.append(',').append(allInt64).append(',');
        histogram.json(out);
        break;
      case "L":
        out.append(',');
        if (element == null) {
          out.append("null");
        } else {
          element.json(out);
        }
        break;
      case "M":
        out.append(",{");
        boolean firstField = true;
        for (Map.Entry<String, Shape> entry : fields.entrySet()) {
          if (!firstField) out.append(',');
          firstField = false;
          PythonJson.string(entry.getKey(), out);
          out.append(':');
          entry.getValue().json(out);
        }
        out.append('}');
        break;
      default:
        break;
    }
    out.append(']');
  }
}
