package org.memocache.annotations.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.annotation.processing.Processor;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * Compiles in-memory sources with the system compiler and a {@link MemoizeProcessor} instance into
 * a real class output directory (so that incremental compilations find the previous output, as in a
 * build), on the test class path plus that directory.
 */
final class TestCompiler {

  /**
   * One diagnostic.
   *
   * @param at the source text from the reported position to the end of its line, trimmed
   */
  record Diag(Diagnostic.Kind kind, String source, long line, long column, String message,
      String at) {
    @Override
    public String toString() {
      return kind + " " + source + ":" + line + ":" + column + " [" + at + "] " + message;
    }
  }

  /** The outcome of one compilation. */
  record Result(boolean success, List<Diag> diagnostics, Path classes) {

    List<Diag> errors() {
      return of(Diagnostic.Kind.ERROR);
    }

    List<Diag> warnings() {
      return diagnostics.stream()
          .filter(d -> d.kind() == Diagnostic.Kind.WARNING || d.kind() == Diagnostic.Kind.MANDATORY_WARNING)
          .collect(Collectors.toList());
    }

    private List<Diag> of(Diagnostic.Kind kind) {
      return diagnostics.stream().filter(d -> d.kind() == kind).collect(Collectors.toList());
    }

    /** The only error; fails listing all diagnostics if there is not exactly one. */
    Diag onlyError() {
      List<Diag> errors = errors();
      assertTrue(errors.size() == 1, () -> "expected exactly one error but got " + diagnostics);
      return errors.get(0);
    }

    /** The only warning; fails listing all diagnostics if there is not exactly one. */
    Diag onlyWarning() {
      List<Diag> warnings = warnings();
      assertTrue(warnings.size() == 1, () -> "expected exactly one warning but got " + diagnostics);
      return warnings.get(0);
    }

    /** The methods index in the class output, if one was written. */
    Optional<String> index() throws IOException {
      Path file = classes.resolve(MethodIndex.PATH);
      return Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
    }

    /** The index's entry lines (no comments), in file order. */
    List<String> indexLines() throws IOException {
      return index().orElse("").lines().filter(l -> !l.startsWith("#")).collect(Collectors.toList());
    }
  }

  private TestCompiler() {}

  /**
   * Compiles the sources into {@code classes}.
   *
   * @param sources binary class name (such as {@code com.acme.Sim}) to source text
   */
  static Result compile(Path classes, Map<String, String> sources) throws IOException {
    return compile(classes, sources, List.of());
  }

  /** As {@link #compile(Path, Map)}, with more processors running before the MemoCache one. */
  static Result compile(Path classes, Map<String, String> sources, List<Processor> others)
      throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> collector = new DiagnosticCollector<>();
    Files.createDirectories(classes);
    try (StandardJavaFileManager files = javac.getStandardFileManager(collector, Locale.ROOT,
        StandardCharsets.UTF_8)) {
      files.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(classes));
      List<JavaFileObject> units = new ArrayList<>();
      sources.forEach((name, code) -> units.add(new Source(name, code)));
      String classPath = System.getProperty("java.class.path") + File.pathSeparator + classes;
      JavaCompiler.CompilationTask task = javac.getTask(null, files, collector,
          List.of("-classpath", classPath, "-Xlint:-options"), null, units);
      List<Processor> processors = new ArrayList<>(others);
      processors.add(new MemoizeProcessor());
      task.setProcessors(processors);
      boolean success = task.call();
      List<Diag> diags = new ArrayList<>();
      for (Diagnostic<? extends JavaFileObject> d : collector.getDiagnostics()) {
        String source = d.getSource() == null ? "" : d.getSource().getName();
        String at = "";
        if (d.getSource() != null && d.getLineNumber() > 0) {
          String line = d.getSource().getCharContent(true).toString().lines()
              .skip(d.getLineNumber() - 1).findFirst().orElse("");
          at = line.substring((int) Math.min(line.length(), d.getColumnNumber() - 1)).trim();
        }
        diags.add(new Diag(d.getKind(), source, d.getLineNumber(), d.getColumnNumber(),
            d.getMessage(Locale.ROOT), at));
      }
      return new Result(success, diags, classes);
    }
  }

  /** A source file held in memory. */
  private static final class Source extends SimpleJavaFileObject {
    private final String code;

    Source(String binaryName, String code) {
      super(URI.create("string:///" + binaryName.replace('.', '/') + ".java"), Kind.SOURCE);
      this.code = code;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return code;
    }
  }
}
