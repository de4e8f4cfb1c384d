package io.github.dynamoicebergmirror.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/** The data files of one run and the table's key, as the Python driver describes them (reader.RunFiles). */
final class RunSpec implements Serializable {
  private static final long serialVersionUID = 1L;

  final List<DataFileSpec> files = new ArrayList<>();
  final List<String> key = new ArrayList<>();

  static RunSpec fromJson(String json) {
    JsonNode run;
    try {
      run = new ObjectMapper().readTree(json);
    } catch (JsonProcessingException error) {
      throw new IllegalArgumentException("run description: " + error.getMessage(), error);
    }
    RunSpec spec = new RunSpec();
    for (JsonNode file : run.get("files")) {
      spec.files.add(new DataFileSpec(spec.files.size(), file));
    }
    for (JsonNode name : run.get("key")) {
      spec.key.add(name.textValue());
    }
    return spec;
  }

  String[] uris() {
    return files.stream().map(f -> f.uri).toArray(String[]::new);
  }

  /** The file a read path names: the path ends with the file's key (reader.RunFiles.resolve). */
  DataFileSpec resolve(String path) {
    for (DataFileSpec file : files) {
      if (path.endsWith("/" + file.key)) return file;
    }
    throw new Unsupported("a file listed in no manifest of this run");
  }
}
