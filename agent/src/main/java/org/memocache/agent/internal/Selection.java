package org.memocache.agent.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.memocache.agent.MethodSelector;

/**
 * The agent's {@code methods=} list, indexed by class for the per-class checks at load time (free of
 * Byte Buddy types: {@link SelectorMatch} does the matching of methods, when weaving).
 */
public final class Selection {
  private final Map<String, List<MethodSelector>> byClass = new HashMap<>();

  public Selection(List<MethodSelector> selectors) {
    for (MethodSelector s : selectors) {
      byClass.computeIfAbsent(s.className(), k -> new ArrayList<>()).add(s);
    }
  }

  /** Whether {@code className} (a binary name) is named by any selector. */
  public boolean names(String className) {
    return byClass.containsKey(className);
  }

  /** The selectors of {@code className}; empty when none. */
  public List<MethodSelector> of(String className) {
    return byClass.getOrDefault(className, List.of());
  }
}
