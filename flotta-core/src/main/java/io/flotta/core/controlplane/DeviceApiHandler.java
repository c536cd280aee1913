package io.flotta.core.controlplane;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.flotta.core.model.DeviceEvent;
import io.flotta.core.model.DeviceStatus;
import io.flotta.core.model.DeviceWorkloadStatus;
import io.flotta.core.model.EnrolmentSpec;
import io.flotta.core.model.ModelJson;
import io.flotta.core.model.Tombstone;
import io.flotta.core.wire.WireTime;
import io.flotta.core.pki.Pem;
import io.flotta.spi.FlottaException;
import io.flotta.spi.ca.CertificateSubject;
import io.flotta.spi.store.Kind;
import io.flotta.spi.store.Resource;
import io.flotta.spi.store.ResourceKey;
import io.flotta.spi.transport.DeviceApi;
import io.flotta.spi.transport.DeviceRequest;
import io.flotta.spi.transport.DeviceResponse;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers device API calls the way the upstream operator does (status codes, empty error bodies),
 * with the stricter identity rules of {@link AccessRules}.
 */
final class DeviceApiHandler implements DeviceApi {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceApiHandler.class);
    private static final int MAX_TEXT = 256;
    private static final int MAX_SERIALS = 4;

    private final ControlPlane cp;
    private final AccessRules rules;
    private final Configurations configurations;
    private final Clock clock;
    /** Per device: the last heartbeat without events that was applied, and the status it left. */
    private final Map<ResourceKey, Applied> lastHeartbeat = new ConcurrentHashMap<>();

    DeviceApiHandler(ControlPlane cp, AccessRules rules, Configurations configurations, Clock clock) {
        this.cp = cp;
        this.rules = rules;
        this.configurations = configurations;
        this.clock = clock;
    }

    @Override
    public CompletionStage<DeviceResponse> handle(DeviceRequest request) {
        try {
            return dispatch(request).exceptionally(e -> failure(request, e));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(failure(request, e));
        }
    }

    private CompletableFuture<DeviceResponse> dispatch(DeviceRequest request) {
        Optional<Caller> identified = rules.identify(request.clientChain());
        if (identified.isEmpty()) {
            return done(DeviceResponse.empty(401));
        }
        Caller caller = identified.get();
        JsonNode envelope = null;
        Operation operation = switch (request.route()) {
            case DATA_IN -> Operation.GET_CONFIGURATION;
            case CONTROL_IN -> Operation.GET_CONTROL;
            case CONTROL_OUT -> Operation.POST_CONTROL;
            case DATA_OUT -> null;
        };
        if (operation == null) {
            envelope = parse(request.body());
            if (envelope == null) {
                return done(DeviceResponse.empty(400));
            }
            operation = Operation.ofDirective(envelope.path("directive").asText(null));
        }
        int refusal = rules.refusal(caller, operation, request.deviceId());
        if (refusal != 0) {
            return done(DeviceResponse.empty(refusal));
        }
        String deviceId = request.deviceId().toLowerCase(Locale.ROOT);
        return switch (operation) {
            case GET_CONFIGURATION -> configuration(caller, deviceId, request);
            case GET_CONTROL -> done(control(caller, deviceId));
            case POST_CONTROL -> done(DeviceResponse.ok(new byte[0]));
            case ENROLMENT -> done(enrolment(caller, deviceId, envelope.path("content")));
            case REGISTRATION -> done(registration(caller, deviceId, envelope));
            case HEARTBEAT -> done(heartbeat(caller, deviceId, envelope.path("content")));
            // upstream answers 500 with an empty body when it has no playbooks; its agent expects that
            case ANSIBLE -> done(DeviceResponse.empty(500));
            case UNKNOWN_DIRECTIVE -> done(DeviceResponse.empty(400));
        };
    }

    // ---------------------------------------------------------------- operations

    private CompletableFuture<DeviceResponse> configuration(Caller caller, String deviceId, DeviceRequest request) {
        ResourceKey key = ControlPlane.deviceKey(caller.namespace(), deviceId);
        if (revoked(caller, deviceId)) {
            return done(DeviceResponse.empty(404));
        }
        return configurations.await(key, request.ifNoneMatch(), request.maxWait()).thenApply(result -> {
            if (result.isEmpty()) {
                // either the device is unknown or a long poll timed out unchanged
                return cp.store().get(key).isPresent()
                        ? new DeviceResponse(304, new byte[0], request.ifNoneMatch())
                        : DeviceResponse.empty(404);
            }
            Configurations.Assembled config = result.get();
            if (config.version().equals(request.ifNoneMatch())) {
                return new DeviceResponse(304, new byte[0], config.version());
            }
            return new DeviceResponse(200, configurationMessage(config), config.version());
        });
    }

    /**
     * The {@code data} envelope around an assembled configuration, written as {@link #envelope}
     * and Jackson would write it, around the content kept serialized (every field here is plain
     * ASCII that JSON does not escape).
     */
    private byte[] configurationMessage(Configurations.Assembled config) {
        String head = "{\"content\":";
        String tail = ",\"directive\":\"device\",\"message_id\":\"" + UUID.randomUUID()
                + "\",\"sent\":\"" + WireTime.format(clock.instant().truncatedTo(ChronoUnit.MILLIS))
                + "\",\"type\":\"data\",\"version\":1}";
        byte[] start = head.getBytes(StandardCharsets.US_ASCII);
        byte[] content = config.json();
        byte[] end = tail.getBytes(StandardCharsets.US_ASCII);
        byte[] message = Arrays.copyOf(start, start.length + content.length + end.length);
        System.arraycopy(content, 0, message, start.length, content.length);
        System.arraycopy(end, 0, message, start.length + content.length, end.length);
        return message;
    }

    private DeviceResponse control(Caller caller, String deviceId) {
        if (revoked(caller, deviceId)) {
            ObjectNode command = JsonNodeFactory.instance.objectNode();
            command.put("command", "disconnect");
            command.putNull("arguments");
            return DeviceResponse.ok(bytes(envelope("command", null, null, command)));
        }
        if (cp.store().get(ControlPlane.deviceKey(caller.namespace(), deviceId)).isEmpty()) {
            return DeviceResponse.empty(404);
        }
        return DeviceResponse.ok(new byte[0]);
    }

    private DeviceResponse enrolment(Caller caller, String deviceId, JsonNode content) {
        if (AccessRules.REGISTRATION_CN.equals(deviceId) || deviceId.isBlank()) {
            return DeviceResponse.empty(400);
        }
        if (caller.kind() == Caller.Kind.DEVICE) {
            // a registered device enrolling again (upstream's agent does so before renewing)
            return cp.store().get(ControlPlane.deviceKey(caller.namespace(), deviceId)).isPresent()
                    ? DeviceResponse.empty(208) : DeviceResponse.empty(404);
        }
        ResourceKey key = cp.enrolmentKey(deviceId);
        Optional<Resource> existing = cp.store().get(key);
        if (existing.isPresent()) {
            EnrolmentSpec spec = ModelJson.read(existing.get().spec(), EnrolmentSpec.class);
            return spec.approved() ? DeviceResponse.empty(208) : DeviceResponse.ok(new byte[0]);
        }
        String target = content.path("target_namespace").asText("");
        if (target.isEmpty() || !cp.options().devicesChooseNamespace()) {
            target = cp.options().namespace();
        }
        EnrolmentSpec spec = new EnrolmentSpec(target, cp.options().autoApprove(),
                content.path("features").isMissingNode() ? null : content.path("features"), clock.instant());
        try {
            cp.store().create(Resource.of(Kind.ENROLMENT, key.namespace(), deviceId).withSpec(ModelJson.write(spec)));
            LOG.info("enrolment request from device {} ({})", deviceId, spec.approved() ? "approved" : "awaiting approval");
        } catch (FlottaException e) {
            if (e.code() != FlottaException.Code.CONFLICT) {
                throw e;
            }
        }
        return DeviceResponse.ok(new byte[0]);
    }

    private DeviceResponse registration(Caller caller, String deviceId, JsonNode envelope) {
        JsonNode content = envelope.path("content");
        String csr = content.path("certificate_request").asText("");
        if (csr.isEmpty()) {
            return DeviceResponse.empty(400);
        }
        String namespace;
        if (caller.kind() == Caller.Kind.REGISTRATION) {
            Optional<Resource> enrolment = cp.store().get(cp.enrolmentKey(deviceId));
            if (enrolment.isEmpty()) {
                return DeviceResponse.empty(404);
            }
            EnrolmentSpec spec = ModelJson.read(enrolment.get().spec(), EnrolmentSpec.class);
            if (!spec.approved()) {
                return DeviceResponse.empty(404);
            }
            namespace = spec.targetNamespace();
        } else {
            namespace = caller.namespace();
            if (revoked(caller, deviceId)
                    || cp.store().get(ControlPlane.deviceKey(namespace, deviceId)).isEmpty()) {
                return DeviceResponse.empty(404);
            }
        }
        X509Certificate certificate;
        try {
            certificate = cp.certificateAuthority().signDevice(csr, CertificateSubject.device(deviceId, namespace),
                    cp.options().deviceCertificateValidity());
        } catch (FlottaException e) {
            if (e.code() == FlottaException.Code.INVALID_ARGUMENT) {
                LOG.info("registration of {} refused: {}", deviceId, e.getMessage());
                return DeviceResponse.empty(400);
            }
            throw e;
        }
        JsonNode hardware = content.path("hardware");
        recordRegistration(namespace, deviceId, certificate, hardware.isObject() ? hardware : null);

        ObjectNode answer = JsonNodeFactory.instance.objectNode();
        answer.put("certificate", Pem.encodeCertificate(certificate));
        ObjectNode message = JsonNodeFactory.instance.objectNode();
        message.set("content", answer);
        message.put("directive", "registration");
        message.put("message_id", envelope.path("message_id").asText(UUID.randomUUID().toString()));
        return DeviceResponse.ok(bytes(message));
    }

    private void recordRegistration(String namespace, String deviceId, X509Certificate certificate, JsonNode hardware) {
        ResourceKey key = ControlPlane.deviceKey(namespace, deviceId);
        Instant now = clock.instant();
        String serial = certificate.getSerialNumber().toString(16);
        cp.retryOnConflict(() -> {
            Optional<Resource> existing = cp.store().get(key);
            if (existing.isEmpty()) {
                DeviceStatus status = DeviceStatus.empty()
                        .withRegistration(now, List.of(serial), certificate.getNotAfter().toInstant())
                        .withHardware(hardware).withState(DeviceStatus.ONLINE);
                cp.store().create(Resource.of(Kind.DEVICE, namespace, deviceId)
                        .withLabels(HardwareLabels.of(hardware, Map.of()))
                        .withStatus(ModelJson.write(status)));
                LOG.info("device {}/{} registered", namespace, deviceId);
            } else {
                Resource r = existing.get();
                Map<String, String> labels = HardwareLabels.of(hardware, r.labels());
                if (!labels.equals(r.labels())) {
                    r = cp.store().update(r.withLabels(labels));
                }
                DeviceStatus before = ModelJson.read(r.status(), DeviceStatus.class);
                List<String> serials = new ArrayList<>(before.certificateSerials());
                serials.add(serial);
                List<String> kept = serials.subList(Math.max(0, serials.size() - MAX_SERIALS), serials.size());
                DeviceStatus after = before.withRegistration(now, kept, certificate.getNotAfter().toInstant())
                        .withState(DeviceStatus.ONLINE);
                if (hardware != null) {
                    after = after.withHardware(hardware);
                }
                cp.store().updateStatus(r.withStatus(ModelJson.write(after)));
                LOG.info("device {}/{} renewed its certificate", namespace, deviceId);
            }
        });
        cp.store().recordLastSeen(key, now);
    }

    private DeviceResponse heartbeat(Caller caller, String deviceId, JsonNode content) {
        ResourceKey key = ControlPlane.deviceKey(caller.namespace(), deviceId);
        Optional<Resource> device = revoked(caller, deviceId) ? Optional.empty() : cp.store().get(key);
        if (device.isEmpty()) {
            return DeviceResponse.empty(404);
        }
        if (!content.isObject()) {
            return DeviceResponse.empty(400);
        }
        Instant now = clock.instant();
        cp.store().recordLastSeen(key, now);
        // Most heartbeats repeat the previous one. Applying a heartbeat without events twice gives
        // what applying it once gave, so when this one equals the last one applied and the status
        // is still exactly what that one left, it would change nothing: skip reading the status.
        Fingerprint fingerprint = repeatable(content);
        Applied last = fingerprint == null ? null : lastHeartbeat.get(key);
        if (last != null && last.heartbeat().equals(fingerprint) && last.status().equals(device.get().status())) {
            return DeviceResponse.ok(new byte[0]);
        }
        String status = cp.updateDeviceStatus(key, s -> applyHeartbeat(s, content, now));
        if (fingerprint != null) {
            lastHeartbeat.put(key, new Applied(fingerprint, status));
        }
        return DeviceResponse.ok(new byte[0]);
    }

    /** The device is gone: forget its last heartbeat. */
    void forget(ResourceKey device) {
        lastHeartbeat.remove(device);
    }

    /**
     * A fingerprint of everything {@link #applyHeartbeat} reads from the heartbeat, or null when the
     * heartbeat carries events (those are appended each time, so applying it again is not a no-op).
     */
    private static Fingerprint repeatable(JsonNode hb) {
        JsonNode events = hb.path("events");
        if (events.isArray() && !events.isEmpty()) {
            return null;
        }
        ObjectNode read = JsonNodeFactory.instance.objectNode();
        for (String field : new String[] {"status", "version", "hardware", "workloads"}) {
            if (hb.has(field)) {
                read.set(field, hb.get(field));
            }
        }
        return Fingerprint.of(bytes(read));
    }

    /** A heartbeat applied to a device and the status text it left there. */
    private record Applied(Fingerprint heartbeat, String status) {
    }

    /** Fields absent from a heartbeat mean "unchanged"; free text is kept verbatim but capped. */
    private DeviceStatus applyHeartbeat(DeviceStatus status, JsonNode hb, Instant now) {
        DeviceStatus next = status.withState(DeviceStatus.ONLINE).withAgent(
                hb.has("status") ? cap(hb.path("status").asText()) : status.agentStatus(),
                hb.has("version") ? cap(hb.path("version").asText()) : status.agentVersion());
        JsonNode hardware = hb.path("hardware");
        if (hardware.isObject()) {
            next = next.withHardware(mergeHardware(status.hardware(), hardware));
        }
        JsonNode reported = hb.path("workloads");
        if (reported.isArray()) {
            Map<String, JsonNode> byName = new HashMap<>();
            reported.forEach(w -> byName.put(w.path("name").asText(""), w));
            List<DeviceWorkloadStatus> workloads = new ArrayList<>();
            for (DeviceWorkloadStatus w : next.workloads()) {
                JsonNode r = byName.get(w.name());
                if (r == null) {
                    workloads.add(w);
                    continue;
                }
                String phase = r.hasNonNull("status") ? cap(r.path("status").asText()) : w.phase();
                Instant upload = parseTime(r.path("last_data_upload").asText(null));
                workloads.add(new DeviceWorkloadStatus(w.name(), phase,
                        phase.equals(w.phase()) ? w.lastTransitionTime() : now,
                        upload != null ? upload : w.lastDataUpload()));
            }
            next = next.withWorkloads(workloads);
        }
        JsonNode events = hb.path("events");
        if (events.isArray() && !events.isEmpty()) {
            List<DeviceEvent> added = new ArrayList<>();
            for (JsonNode e : events) {
                added.add(new DeviceEvent(now, cap(e.path("type").asText("info")), cap(e.path("reason").asText("")),
                        cap(e.path("message").asText(""))));
            }
            next = next.withEvents(cp.appendEvents(next.events(), added));
        }
        return next;
    }

    /**
     * We ask for hardware deltas (scope {@code delta}): the upstream agent then sends only what
     * changed and writes null (or nothing) for the rest, which must not erase what we know.
     */
    private static JsonNode mergeHardware(JsonNode known, JsonNode reported) {
        ObjectNode merged = known != null && known.isObject()
                ? ((ObjectNode) known).deepCopy() : JsonNodeFactory.instance.objectNode();
        reported.fields().forEachRemaining(field -> {
            if (!field.getValue().isNull()) {
                merged.set(field.getKey(), field.getValue());
            }
        });
        return merged;
    }

    // ---------------------------------------------------------------- helpers

    /** Whether the caller presents a certificate of a deleted device. Positive knowledge only. */
    private boolean revoked(Caller caller, String deviceId) {
        if (caller.kind() != Caller.Kind.DEVICE) {
            return false;
        }
        Optional<Resource> tomb = cp.store().get(new ResourceKey(Kind.TOMBSTONE, caller.namespace(), deviceId));
        return tomb.isPresent()
                && ModelJson.read(tomb.get().spec(), Tombstone.class).revokedSerials().contains(caller.serialHex());
    }

    private ObjectNode envelope(String type, String directive, String responseTo, JsonNode content) {
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        m.set("content", content);
        if (directive != null) {
            m.put("directive", directive);
        }
        m.put("message_id", UUID.randomUUID().toString());
        if (responseTo != null) {
            m.put("response_to", responseTo);
        }
        m.put("sent", WireTime.format(clock.instant().truncatedTo(ChronoUnit.MILLIS)));
        m.put("type", type);
        m.put("version", 1);
        return m;
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode node = ModelJson.mapper().readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return ModelJson.mapper().writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new FlottaException(FlottaException.Code.INTERNAL, "cannot write a message", e);
        }
    }

    private static String cap(String text) {
        return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT);
    }

    private static Instant parseTime(String text) {
        if (text == null || text.isEmpty() || text.startsWith("0001-")) {
            return null;
        }
        try {
            return java.time.OffsetDateTime.parse(text).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private static CompletableFuture<DeviceResponse> done(DeviceResponse response) {
        return CompletableFuture.completedFuture(response);
    }

    private DeviceResponse failure(DeviceRequest request, Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        // bad requests are answered where they are read; an exception here is our own fault (5xx),
        // e.g. an unreadable stored document
        if (cause instanceof FlottaException fe) {
            switch (fe.code()) {
                case NOT_FOUND -> {
                    return DeviceResponse.empty(404);
                }
                case UNAVAILABLE, CONFLICT -> {
                    LOG.warn("{} {} failed: {}", request.route(), request.deviceId(), fe.getMessage());
                    return DeviceResponse.empty(503);
                }
                default -> {
                }
            }
        }
        LOG.error("{} {} failed", request.route(), request.deviceId(), cause);
        return DeviceResponse.empty(500);
    }

    /** Labels derived from hardware info, named as upstream names them, truncated to label limits. */
    static final class HardwareLabels {
        private HardwareLabels() {
        }

        static Map<String, String> of(JsonNode hardware, Map<String, String> existing) {
            Map<String, String> labels = new LinkedHashMap<>(existing);
            if (hardware == null) {
                return labels;
            }
            put(labels, "device.cpu-architecture", hardware.path("cpu").path("architecture").asText(""));
            put(labels, "device.cpu-model", hardware.path("cpu").path("model_name").asText(""));
            put(labels, "device.hostname", hardware.path("hostname").asText(""));
            put(labels, "device.system-manufacturer", hardware.path("system_vendor").path("manufacturer").asText(""));
            put(labels, "device.system-product", hardware.path("system_vendor").path("product_name").asText(""));
            put(labels, "device.system-serial", hardware.path("system_vendor").path("serial_number").asText(""));
            return labels;
        }

        private static void put(Map<String, String> labels, String key, String raw) {
            String value = labelValue(raw);
            if (!value.isEmpty()) {
                labels.put(key, value);
            }
        }

        /** A valid Kubernetes label value: at most 63 of [A-Za-z0-9-_.], alphanumeric at both ends. */
        static String labelValue(String raw) {
            String v = raw.trim().replaceAll("[^A-Za-z0-9._-]+", "-");
            if (v.length() > 63) {
                v = v.substring(0, 63);
            }
            return v.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
        }
    }
}
