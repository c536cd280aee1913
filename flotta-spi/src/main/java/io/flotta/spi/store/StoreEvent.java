package io.flotta.spi.store;

/**
 * A change seen by a {@link Store} watcher.
 *
 * @param type     what happened
 * @param resource the resource after the change ({@link Type#DELETED}: as it was last seen)
 */
public record StoreEvent(Type type, Resource resource) {

    public enum Type { ADDED, MODIFIED, DELETED }
}
