package io.flotta.core.providers;

/** Providers of {@link TestWidgetProvider}, good and bad, named in {@code META-INF/services} files by the tests. */
public final class TestWidgets {

    private TestWidgets() {
    }

    /** Listed in the test class path's services file. */
    public static final class Alpha implements TestWidgetProvider {
        @Override
        public String name() {
            return "alpha";
        }
    }

    public static final class Beta implements TestWidgetProvider {
        @Override
        public String name() {
            return "beta";
        }

        @Override
        public int priority() {
            return 7;
        }
    }

    /** Its class cannot be initialised, as when a jar misses a dependency its static state needs. */
    public static final class ExplodingStatic implements TestWidgetProvider {
        private static final String NAME = explode();

        private static String explode() {
            throw new IllegalStateException("static initialisation of ExplodingStatic failed");
        }

        @Override
        public String name() {
            return NAME;
        }
    }

    public static final class ThrowingConstructor implements TestWidgetProvider {
        public ThrowingConstructor() {
            throw new IllegalStateException("constructor of ThrowingConstructor failed");
        }

        @Override
        public String name() {
            return "never";
        }
    }

    public static final class ThrowingName implements TestWidgetProvider {
        @Override
        public String name() {
            throw new UnsupportedOperationException("name() of ThrowingName failed");
        }
    }

    /** A provider whose every answer the test chooses. */
    public record Fake(String name, int priority, boolean available, String unavailableReason)
            implements TestWidgetProvider {

        public static Fake up(String name, int priority) {
            return new Fake(name, priority, true, "");
        }

        public static Fake down(String name, int priority, String reason) {
            return new Fake(name, priority, false, reason);
        }

        @Override
        public boolean isAvailable() {
            return available;
        }
    }

    /** Same answers as {@link Fake} from another class, to observe the class-name tie break. */
    public record OtherFake(String name, int priority) implements TestWidgetProvider {
    }

    public static final class ThrowingAvailability implements TestWidgetProvider {
        @Override
        public String name() {
            return "flaky";
        }

        @Override
        public int priority() {
            return 100;
        }

        @Override
        public boolean isAvailable() {
            throw new IllegalStateException("probe crashed");
        }
    }
}
