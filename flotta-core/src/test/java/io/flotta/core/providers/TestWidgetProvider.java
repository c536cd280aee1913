package io.flotta.core.providers;

import io.flotta.spi.Provider;

/** An SPI that exists only for the loader's tests, so that no real provider jar can interfere. */
public interface TestWidgetProvider extends Provider {
}
