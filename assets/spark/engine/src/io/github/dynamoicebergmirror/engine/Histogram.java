package io.github.dynamoicebergmirror.engine;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Counts of numbers per (scale, whole digits), packed as scale * 64 + whole: a few distinct keys per
 * attribute, so two small arrays searched in turn beat a map (one is made per number read).
 */
final class Histogram implements Serializable {
  private static final long serialVersionUID = 1L;

  private int[] keys;
  private long[] counts;
  private int size;

  Histogram(int key) {
    keys = new int[] {key};
    counts = new long[] {1};
    size = 1;
  }

  void add(Histogram other) {
    for (int i = 0; i < other.size; i++) add(other.keys[i], other.counts[i]);
  }

  private void add(int key, long count) {
    for (int i = 0; i < size; i++) {
      if (keys[i] == key) {
        counts[i] += count;
        return;
      }
    }
    if (size == keys.length) {
      keys = Arrays.copyOf(keys, size * 2);
      counts = Arrays.copyOf(counts, size * 2);
    }
    keys[size] = key;
    counts[size++] = count;
  }

  /** [[scale, whole, count], ...] */
  void json(StringBuilder out) {
    out.append('[');
    for (int i = 0; i < size; i++) {
      out.append(i > 0 ? ",[" : "[").append(keys[i] / 64).append(',').append(keys[i] % 64).append(',')
          .append(counts[i]).append(']');
    }
    out.append(']');
  }
}
