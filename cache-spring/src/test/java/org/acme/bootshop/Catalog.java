package org.acme.bootshop;

import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

@Service
public class Catalog {
  /** Static: the bean is a proxy, and its fields are not the target's. */
  static final java.util.concurrent.atomic.AtomicInteger COMPUTED = new java.util.concurrent.atomic.AtomicInteger();

  @Cacheable(cacheNames = "items", sync = true)
  public Item item(String id) {
    COMPUTED.incrementAndGet();
    return new Item(id, ProcessHandle.current().pid());
  }
}
