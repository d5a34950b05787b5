package org.memocache.annotations.internal;

import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * Sends the processor's diagnostics to javac, attached to the element (and annotation value) they
 * are about, and counts errors. Warnings honour {@code @SuppressWarnings("memocache")} on the
 * element or any enclosing element, as javac's own lint warnings do.
 */
final class Reporter {

  /** The {@code @SuppressWarnings} key that silences this processor's warnings. */
  static final String SUPPRESSION_KEY = "memocache";

  private final Messager messager;
  private int errors;

  Reporter(Messager messager) {
    this.messager = messager;
  }

  void error(Element element, String message) {
    errors++;
    messager.printMessage(Diagnostic.Kind.ERROR, message, element);
  }

  /** An error pointing at one value of an annotation, such as {@code expireAfter = "30 days"}. */
  void error(Element element, AnnotationMirror annotation, AnnotationValue value, String message) {
    errors++;
    messager.printMessage(Diagnostic.Kind.ERROR, message, element, annotation, value);
  }

  void warning(Element element, String message) {
    if (!isSuppressed(element)) {
      messager.printMessage(Diagnostic.Kind.WARNING, message, element);
    }
  }

  void warning(Element element, AnnotationMirror annotation, String message) {
    if (!isSuppressed(element)) {
      messager.printMessage(Diagnostic.Kind.WARNING, message, element, annotation);
    }
  }

  /** A note that is not about a source element, such as a damaged index file. */
  void warning(String message) {
    messager.printMessage(Diagnostic.Kind.WARNING, message);
  }

  /** Errors reported so far; a method whose check raised the count gets no index entry. */
  int errors() {
    return errors;
  }

  private static boolean isSuppressed(Element element) {
    for (Element e = element; e != null; e = e.getEnclosingElement()) {
      SuppressWarnings s = e.getAnnotation(SuppressWarnings.class);
      if (s != null) {
        for (String key : s.value()) {
          if (key.equals(SUPPRESSION_KEY) || key.equals("all")) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
