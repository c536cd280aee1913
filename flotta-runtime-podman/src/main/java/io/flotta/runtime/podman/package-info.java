/**
 * The podman workload runtime: {@link io.flotta.runtime.podman.PodmanRuntimeProvider} (name
 * {@code podman}) creates a {@link io.flotta.spi.runtime.WorkloadRuntime} that runs each workload as
 * a pod through the podman CLI. Pods it creates carry the labels {@code io.flotta/managed=true} and
 * {@code io.flotta/owner=<id>} (the id kept in the runtime's directory); everything else on the host,
 * including another agent's pods, is left alone. Run {@code scripts/setup-podman.sh} to prepare a
 * Debian host.
 */
package io.flotta.runtime.podman;
