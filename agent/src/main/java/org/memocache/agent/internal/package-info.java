/** Weaving machinery shared by the agent and the build plugin; not API. */
@NullMarked
package org.memocache.agent.internal;

import org.jspecify.annotations.NullMarked;
