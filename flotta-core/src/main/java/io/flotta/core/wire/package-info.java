/**
 * The wire model of the device API, compatible with upstream Flotta: the envelope
 * ({@link io.flotta.core.wire.Message}, {@link io.flotta.core.wire.MessageResponse}) and the content
 * of each directive, as Java records whose JSON keys are spelled exactly as upstream spells them
 * (snake_case, kebab-case and camelCase side by side).
 *
 * <p>Rules every type follows, so that a body read and written again is the body received:
 * <ul>
 *   <li>unknown keys are ignored on read (newer peers add some);</li>
 *   <li>a key upstream always writes (a Go field without {@code omitempty}, e.g. the hardware lists
 *       or {@code heartbeat.events}) is always written, as {@code null} when unset; every other key
 *       is written only when set, so absent stays absent and present-but-empty stays empty;</li>
 *   <li>free-text fields that the swagger declares as enums (workload status, heartbeat status…)
 *       are kept as strings, verbatim, because upstream agents send values outside the enums;</li>
 *   <li>timestamps are {@link java.time.Instant}s written by {@link io.flotta.core.wire.WireTime}.</li>
 * </ul>
 *
 * <p>{@link io.flotta.core.wire.Json} holds the one JSON configuration and turns every parse or
 * binding failure into a {@link io.flotta.spi.FlottaException} with code {@code INVALID_ARGUMENT}.
 * Builders are for what we send; they fill in what upstream peers cannot do without (e.g. a
 * configuration always has {@code heartbeat.hardware_profile}). Records built by Jackson keep what
 * was received, even when a peer left such a field out.
 */
package io.flotta.core.wire;
