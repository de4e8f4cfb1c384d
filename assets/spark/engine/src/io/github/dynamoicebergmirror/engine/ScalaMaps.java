package io.github.dynamoicebergmirror.engine;

import java.util.Map;
import scala.collection.JavaConverters;

/** Spark's row encoder takes a map column's value as a Scala map (here a view, in the Java map's order). */
final class ScalaMaps {
  private ScalaMaps() {}

  static scala.collection.Map<String, String> of(Map<String, String> values) {
    return JavaConverters.mapAsScalaMap(values);
  }
}
