/**
 * Object storage plumbing shared by the control plane and the agent: how a device's bucket access
 * travels in its configuration. The storage itself is an {@link io.flotta.spi.storage.ObjectStorage}
 * provider (e.g. {@code flotta-storage-s3}).
 */
package io.flotta.core.storage;
