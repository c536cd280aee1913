package io.flotta.runtime.podman.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.flotta.spi.FlottaException;
import io.flotta.spi.FlottaException.Code;
import io.flotta.spi.runtime.Workload;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders a {@link Workload} into a Kubernetes Pod for {@code podman kube play}: the workload's pod
 * spec plus {@code DEVICE_ID} and the {@code /export} data volume in every container, our labels,
 * its ConfigMaps as further documents, and its Secrets rewritten to what podman 4.3 handles
 * correctly. Pure: it reads and writes nothing, so it is tested without podman.
 *
 * <p>Secrets, as measured on podman 4.3: a {@code Secret} document in the kube play input is stored
 * as YAML, which the same version's {@code secretKeyRef} lookup cannot parse (it wants JSON), and a
 * {@code secret} volume gets the base64 text instead of the value (and crashes podman without
 * {@code optional}). So env references point at podman secrets we create in the JSON form, named per
 * workload so two workloads' secrets never mix, and secret volumes become read-only host
 * directories that the runtime fills with the decoded values.
 */
public final class WorkloadRenderer {

    public static final String EXPORT_VOLUME = "flotta-export";
    public static final String EXPORT_PATH = "/export";
    public static final String DEVICE_ID_ENV = "DEVICE_ID";

    /** Lower-case RFC 1123 subdomain, as Kubernetes requires of pod names. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    private static final int MAX_NAME = 253;
    private static final int DEFAULT_FILE_MODE = 0644;
    private static final Pattern POSITION = Pattern.compile("^\\s*in '[^']*', line (\\d+), column (\\d+)");

    private static final ObjectMapper YAML = YAMLMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Path secretRoot;
    private final Path dataRoot;
    private final Duration defaultStopTimeout;
    private final String owner;

    /**
     * @param directory          the runtime's own directory: secret volumes go under {@code secrets/},
     *                           default data directories under {@code data/}
     * @param defaultStopTimeout used when the spec has no {@code terminationGracePeriodSeconds}
     * @param owner              the value of every pod's {@link Labels#OWNER} label
     */
    public WorkloadRenderer(Path directory, Duration defaultStopTimeout, String owner) {
        this.secretRoot = directory.resolve("secrets").toAbsolutePath();
        this.dataRoot = directory.resolve("data").toAbsolutePath();
        this.defaultStopTimeout = defaultStopTimeout;
        this.owner = owner;
    }

    /** The prefix of every podman secret made for this workload (Kubernetes names never contain '_'). */
    public static String podmanSecretPrefix(String workload) {
        return "flotta_" + workload + "_";
    }

    public static String podmanSecretName(String workload, String secret) {
        return podmanSecretPrefix(workload) + secret;
    }

    /** The directory holding a workload's secret volumes. */
    public Path secretDirectory(String workload) {
        return secretRoot.resolve(workload);
    }

    public static void validateName(String name) {
        if (name.isEmpty() || name.length() > MAX_NAME || !NAME.matcher(name).matches()) {
            throw new FlottaException(Code.INVALID_ARGUMENT, "workload.name '" + name
                    + "' must be a lower-case RFC 1123 name (a-z, 0-9, '-', '.'), at most " + MAX_NAME + " characters");
        }
    }

    public RenderedWorkload render(Workload workload) {
        String name = workload.name();
        validateName(name);
        Context context = new Context(name);

        ObjectNode spec = parseSpec(context, workload.specification());
        Map<String, ObjectNode> configMaps = parseConfigMaps(context, workload.configMaps());
        Map<String, Map<String, byte[]>> secrets = parseSecrets(context, workload.secrets());
        String registryAuth = parseRegistryAuth(context, workload.registryAuth());
        Path dataDirectory = workload.dataDirectory() != null
                ? workload.dataDirectory().toAbsolutePath()
                : dataRoot.resolve(name);

        ArrayNode containers = containerList(context, spec, "containers", true);
        ArrayNode initContainers = containerList(context, spec, "initContainers", false);
        ArrayNode volumes = arrayField(context, spec, "volumes", "specification.volumes");

        List<RenderedWorkload.SecretVolume> secretVolumes = new ArrayList<>();
        Set<String> secretVolumeNames = rewriteVolumes(context, volumes, configMaps, secrets, secretVolumes);
        volumes.add(NODES.objectNode()
                .put("name", EXPORT_VOLUME)
                .set("hostPath", NODES.objectNode()
                        .put("path", dataDirectory.toString())
                        .put("type", "DirectoryOrCreate")));

        Set<HostPort> hostPorts = new TreeSet<>();
        List<RenderedWorkload.Image> images = new ArrayList<>();
        for (ArrayNode list : List.of(containers, initContainers)) {
            String field = list == containers ? "containers" : "initContainers";
            for (int i = 0; i < list.size(); i++) {
                String where = "specification." + field + "[" + i + "]";
                ObjectNode container = (ObjectNode) list.get(i);
                images.add(new RenderedWorkload.Image(
                        requiredText(context, container, "image", where),
                        container.path("imagePullPolicy").asText("")));
                requiredText(context, container, "name", where);
                injectEnv(context, container, where, workload.deviceId(), configMaps, secrets);
                injectMounts(context, container, where, secretVolumeNames);
                collectHostPorts(context, container, where, hostPorts);
            }
        }

        String restartPolicy = spec.path("restartPolicy").asText("");
        if (restartPolicy.isEmpty()) {
            restartPolicy = "Always";
        }
        Duration stopTimeout = defaultStopTimeout;
        JsonNode grace = spec.get("terminationGracePeriodSeconds");
        if (grace != null && !grace.isNull()) {
            if (!grace.canConvertToLong() || grace.asLong() < 0) {
                throw context.invalid("specification.terminationGracePeriodSeconds must be a non-negative integer");
            }
            stopTimeout = Duration.ofSeconds(grace.asLong());
        }

        Map<String, String> podmanSecrets = new TreeMap<>();
        secrets.forEach((secretName, data) -> podmanSecrets.put(podmanSecretName(name, secretName), secretJson(data)));

        ObjectNode pod = NODES.objectNode();
        pod.put("apiVersion", "v1");
        pod.put("kind", "Pod");
        ObjectNode metadata = pod.putObject("metadata");
        metadata.put("name", name);
        ObjectNode labels = metadata.putObject("labels");
        new TreeMap<>(workload.labels()).forEach(labels::put);
        labels.put(Labels.MANAGED, "true");
        labels.put(Labels.OWNER, owner);
        labels.put(Labels.WORKLOAD, name);
        labels.put(Labels.STOP_TIMEOUT, Long.toString(stopTimeout.toSeconds()));
        if (!workload.annotations().isEmpty()) {
            ObjectNode annotations = metadata.putObject("annotations");
            new TreeMap<>(workload.annotations()).forEach(annotations::put);
        }
        pod.set("spec", spec);

        String hash = hash(documents(pod, configMaps), podmanSecrets, secretVolumes, registryAuth);
        labels.put(Labels.HASH, hash);
        String manifest = documents(pod, configMaps);

        return new RenderedWorkload(name, manifest, hash, List.copyOf(hostPorts), podmanSecrets,
                List.copyOf(secretVolumes), List.copyOf(images), restartPolicy, stopTimeout, registryAuth, dataDirectory);
    }

    // ---- parsing ---------------------------------------------------------------------------------

    private static ObjectNode parseSpec(Context context, String text) {
        JsonNode node = parse(context, text, "specification");
        if (!(node instanceof ObjectNode)) {
            throw context.invalid("specification must be a pod spec (a mapping with 'containers')");
        }
        // tolerate a whole Pod where only its spec was expected
        if ("Pod".equals(node.path("kind").asText()) && node.get("spec") instanceof ObjectNode) {
            node = node.get("spec");
        }
        return (ObjectNode) node.deepCopy();
    }

    private static Map<String, ObjectNode> parseConfigMaps(Context context, List<String> texts) {
        Map<String, ObjectNode> result = new TreeMap<>();
        for (int i = 0; i < texts.size(); i++) {
            ObjectNode configMap = resource(context, texts.get(i), "configMaps[" + i + "]", "ConfigMap");
            String name = configMap.path("metadata").path("name").asText();
            if (result.put(name, configMap) != null) {
                throw context.invalid("configMaps[" + i + "]: ConfigMap '" + name + "' is given twice");
            }
        }
        return result;
    }

    private static Map<String, Map<String, byte[]>> parseSecrets(Context context, List<String> texts) {
        Map<String, Map<String, byte[]>> result = new TreeMap<>();
        for (int i = 0; i < texts.size(); i++) {
            String where = "secrets[" + i + "]";
            ObjectNode secret = resource(context, texts.get(i), where, "Secret");
            String name = secret.path("metadata").path("name").asText();
            Map<String, byte[]> data = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> fields = secret.path("data").fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                try {
                    data.put(field.getKey(), Base64.getDecoder().decode(field.getValue().asText().replaceAll("\\s", "")));
                } catch (IllegalArgumentException e) {
                    throw context.invalid(where + ".data." + field.getKey() + " is not base64: " + e.getMessage());
                }
            }
            // as in Kubernetes, stringData wins over data for the same key
            secret.path("stringData").fields().forEachRemaining(field ->
                    data.put(field.getKey(), field.getValue().asText().getBytes(StandardCharsets.UTF_8)));
            if (result.put(name, data) != null) {
                throw context.invalid(where + ": Secret '" + name + "' is given twice");
            }
        }
        return result;
    }

    private static ObjectNode resource(Context context, String text, String where, String kind) {
        JsonNode node = parse(context, text, where);
        if (!(node instanceof ObjectNode)) {
            throw context.invalid(where + " must be a " + kind + " manifest");
        }
        ObjectNode object = (ObjectNode) node.deepCopy();
        String actualKind = object.path("kind").asText(kind);
        if (!kind.equals(actualKind)) {
            throw context.invalid(where + ".kind must be " + kind + ", got '" + actualKind + "'");
        }
        String name = object.path("metadata").path("name").asText("");
        if (name.isEmpty()) {
            throw context.invalid(where + ".metadata.name is missing");
        }
        object.put("apiVersion", object.path("apiVersion").asText("v1"));
        object.put("kind", kind);
        return object;
    }

    private static String parseRegistryAuth(Context context, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            if (!new ObjectMapper().readTree(text).isObject()) {
                throw context.invalid("registryAuth must be a JSON object (a container auth file)");
            }
        } catch (JsonProcessingException e) {
            throw context.invalid("registryAuth is not valid JSON: " + e.getOriginalMessage());
        }
        return text;
    }

    private static JsonNode parse(Context context, String text, String where) {
        try {
            JsonNode node = YAML.readTree(text);
            if (node == null || node.isMissingNode() || node.isNull()) {
                throw context.invalid(where + " is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw context.invalid(where + " is not valid YAML or JSON: " + parseProblem(e));
        }
    }

    /**
     * SnakeYAML's messages quote the offending lines with carets over several lines; keep the
     * sentences and the position of the problem, on one line.
     */
    static String parseProblem(JsonProcessingException e) {
        String original = String.valueOf(e.getOriginalMessage());
        List<String> sentences = new ArrayList<>();
        String position = null;
        for (String line : original.split("\\R")) {
            Matcher mark = POSITION.matcher(line);
            if (mark.find()) {
                position = "line " + mark.group(1) + ", column " + mark.group(2);
            } else if (!line.isBlank() && !Character.isWhitespace(line.charAt(0)) && !line.startsWith("^")) {
                sentences.add(line.strip());
            }
        }
        if (position == null && e.getLocation() != null) {
            position = "line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        }
        return String.join("; ", sentences) + (position == null ? "" : " (" + position + ")");
    }

    // ---- rewriting -------------------------------------------------------------------------------

    private static ArrayNode containerList(Context context, ObjectNode spec, String field, boolean required) {
        String where = "specification." + field;
        ArrayNode list = arrayField(context, spec, field, where);
        if (required && list.isEmpty()) {
            throw context.invalid(where + " must list at least one container");
        }
        for (int i = 0; i < list.size(); i++) {
            if (!list.get(i).isObject()) {
                throw context.invalid(where + "[" + i + "] must be a container (a mapping)");
            }
        }
        return list;
    }

    private static ArrayNode arrayField(Context context, ObjectNode object, String field, String where) {
        JsonNode node = object.get(field);
        if (node == null || node.isNull()) {
            return object.putArray(field);
        }
        if (!node.isArray()) {
            throw context.invalid(where + " must be a list");
        }
        return (ArrayNode) node;
    }

    private static String requiredText(Context context, ObjectNode object, String field, String where) {
        String value = object.path(field).asText("");
        if (!object.path(field).isTextual() || value.isBlank()) {
            throw context.invalid(where + "." + field + " is missing");
        }
        return value;
    }

    /** Drops any volume named like ours, swaps secret volumes for host directories, checks references. */
    private Set<String> rewriteVolumes(Context context, ArrayNode volumes, Map<String, ObjectNode> configMaps,
            Map<String, Map<String, byte[]>> secrets, List<RenderedWorkload.SecretVolume> secretVolumes) {
        Set<String> secretVolumeNames = new TreeSet<>();
        for (Iterator<JsonNode> it = volumes.elements(); it.hasNext(); ) {
            JsonNode volume = it.next();
            if (EXPORT_VOLUME.equals(volume.path("name").asText())) {
                it.remove();
            }
        }
        for (int i = 0; i < volumes.size(); i++) {
            String where = "specification.volumes[" + i + "]";
            if (!volumes.get(i).isObject()) {
                throw context.invalid(where + " must be a mapping");
            }
            ObjectNode volume = (ObjectNode) volumes.get(i);
            String volumeName = requiredText(context, volume, "name", where);
            JsonNode configMap = volume.get("configMap");
            if (configMap != null) {
                String ref = configMap.path("name").asText("");
                if (!configMaps.containsKey(ref) && !configMap.path("optional").asBoolean(false)) {
                    throw context.invalid(where + " refers to ConfigMap '" + ref + "', which was not provided");
                }
            }
            JsonNode secret = volume.get("secret");
            if (secret == null) {
                continue;
            }
            String ref = secret.path("secretName").asText("");
            Map<String, byte[]> data = secrets.get(ref);
            if (data == null && !secret.path("optional").asBoolean(false)) {
                throw context.invalid(where + " refers to Secret '" + ref + "', which was not provided");
            }
            int mode = secret.path("defaultMode").asInt(DEFAULT_FILE_MODE);
            Map<String, byte[]> files = new TreeMap<>();
            if (data != null) {
                JsonNode items = secret.get("items");
                if (items != null && items.isArray() && !items.isEmpty()) {
                    for (int j = 0; j < items.size(); j++) {
                        JsonNode item = items.get(j);
                        String key = item.path("key").asText("");
                        String path = item.path("path").asText(key);
                        if (!data.containsKey(key)) {
                            throw context.invalid(where + ".secret.items[" + j + "]: Secret '" + ref + "' has no key '" + key + "'");
                        }
                        files.put(safeRelativePath(context, path, where + ".secret.items[" + j + "].path"), data.get(key));
                    }
                } else {
                    data.forEach((key, value) -> files.put(safeRelativePath(context, key, where + " key " + key), value));
                }
            }
            Path directory = secretRoot.resolve(context.workload).resolve(volumeName);
            secretVolumes.add(new RenderedWorkload.SecretVolume(directory, files, mode));
            volume.remove("secret");
            volume.set("hostPath", NODES.objectNode().put("path", directory.toString()).put("type", "Directory"));
            secretVolumeNames.add(volumeName);
        }
        return secretVolumeNames;
    }

    private static String safeRelativePath(Context context, String path, String where) {
        Path relative = Path.of(path).normalize();
        if (path.isEmpty() || relative.isAbsolute() || relative.startsWith("..")) {
            throw context.invalid(where + " must be a relative path inside the volume, got '" + path + "'");
        }
        return relative.toString();
    }

    private static void injectEnv(Context context, ObjectNode container, String where, String deviceId,
            Map<String, ObjectNode> configMaps, Map<String, Map<String, byte[]>> secrets) {
        ArrayNode env = arrayField(context, container, "env", where + ".env");
        for (Iterator<JsonNode> it = env.elements(); it.hasNext(); ) {
            if (DEVICE_ID_ENV.equals(it.next().path("name").asText())) {
                it.remove();
            }
        }
        for (int j = 0; j < env.size(); j++) {
            JsonNode valueFrom = env.get(j).path("valueFrom");
            String entry = where + ".env[" + j + "]";
            if (valueFrom.get("secretKeyRef") instanceof ObjectNode) {
                ObjectNode ref = (ObjectNode) valueFrom.get("secretKeyRef");
                String secretName = ref.path("name").asText("");
                boolean optional = ref.path("optional").asBoolean(false);
                Map<String, byte[]> data = secrets.get(secretName);
                if (!optional && data == null) {
                    throw context.invalid(entry + " refers to Secret '" + secretName + "', which was not provided");
                }
                if (!optional && !data.containsKey(ref.path("key").asText(""))) {
                    throw context.invalid(entry + ": Secret '" + secretName + "' has no key '" + ref.path("key").asText("") + "'");
                }
                ref.put("name", podmanSecretName(context.workload, secretName));
            }
            if (valueFrom.get("configMapKeyRef") instanceof ObjectNode) {
                checkConfigMap(context, entry, valueFrom.get("configMapKeyRef"), configMaps);
            }
        }
        env.add(NODES.objectNode().put("name", DEVICE_ID_ENV).put("value", deviceId));

        JsonNode envFrom = container.get("envFrom");
        if (envFrom != null && envFrom.isArray()) {
            for (int j = 0; j < envFrom.size(); j++) {
                String entry = where + ".envFrom[" + j + "]";
                if (envFrom.get(j).get("secretRef") instanceof ObjectNode) {
                    ObjectNode ref = (ObjectNode) envFrom.get(j).get("secretRef");
                    String secretName = ref.path("name").asText("");
                    if (!secrets.containsKey(secretName) && !ref.path("optional").asBoolean(false)) {
                        throw context.invalid(entry + " refers to Secret '" + secretName + "', which was not provided");
                    }
                    ref.put("name", podmanSecretName(context.workload, secretName));
                }
                if (envFrom.get(j).get("configMapRef") instanceof ObjectNode) {
                    checkConfigMap(context, entry, envFrom.get(j).get("configMapRef"), configMaps);
                }
            }
        }
    }

    private static void checkConfigMap(Context context, String where, JsonNode ref, Map<String, ObjectNode> configMaps) {
        String name = ref.path("name").asText("");
        if (!configMaps.containsKey(name) && !ref.path("optional").asBoolean(false)) {
            throw context.invalid(where + " refers to ConfigMap '" + name + "', which was not provided");
        }
    }

    private static void injectMounts(Context context, ObjectNode container, String where, Set<String> secretVolumes) {
        ArrayNode mounts = arrayField(context, container, "volumeMounts", where + ".volumeMounts");
        for (Iterator<JsonNode> it = mounts.elements(); it.hasNext(); ) {
            JsonNode mount = it.next();
            String path = mount.path("mountPath").asText("");
            if (EXPORT_VOLUME.equals(mount.path("name").asText()) || EXPORT_PATH.equals(stripSlash(path))) {
                it.remove();
            } else if (secretVolumes.contains(mount.path("name").asText()) && mount instanceof ObjectNode) {
                ((ObjectNode) mount).put("readOnly", true);
            }
        }
        mounts.add(NODES.objectNode().put("name", EXPORT_VOLUME).put("mountPath", EXPORT_PATH));
    }

    private static String stripSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static void collectHostPorts(Context context, ObjectNode container, String where, Set<HostPort> hostPorts) {
        JsonNode ports = container.get("ports");
        if (ports == null || !ports.isArray()) {
            return;
        }
        for (int j = 0; j < ports.size(); j++) {
            JsonNode port = ports.get(j);
            JsonNode hostPort = port.get("hostPort");
            if (hostPort == null || hostPort.isNull() || hostPort.asInt(0) == 0) {
                continue;
            }
            int number = hostPort.asInt(-1);
            if (!hostPort.canConvertToInt() || number < 1 || number > 65535) {
                throw context.invalid(where + ".ports[" + j + "].hostPort must be a port number (1-65535), got " + hostPort);
            }
            String protocol = port.path("protocol").asText("TCP").toLowerCase(Locale.ROOT);
            if (!Set.of("tcp", "udp", "sctp").contains(protocol)) {
                throw context.invalid(where + ".ports[" + j + "].protocol must be TCP, UDP or SCTP, got " + protocol);
            }
            hostPorts.add(new HostPort(protocol, number, port.path("hostIP").asText("")));
        }
    }

    // ---- output ----------------------------------------------------------------------------------

    private static String documents(ObjectNode pod, Map<String, ObjectNode> configMaps) {
        StringBuilder out = new StringBuilder();
        try {
            out.append(YAML.writeValueAsString(pod));
            for (ObjectNode configMap : configMaps.values()) {
                out.append(YAML.writeValueAsString(configMap));
            }
        } catch (JsonProcessingException e) {
            throw new FlottaException(Code.INTERNAL, "could not write the pod manifest", e);
        }
        return out.toString();
    }

    /** The JSON object of key → base64 value that podman 4.3 reads for secretKeyRef and secretRef. */
    private static String secretJson(Map<String, byte[]> data) {
        ObjectNode node = NODES.objectNode();
        data.forEach((key, value) -> node.put(key, Base64.getEncoder().encodeToString(value)));
        return node.toString();
    }

    private static String hash(String manifest, Map<String, String> podmanSecrets,
            List<RenderedWorkload.SecretVolume> secretVolumes, String registryAuth) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            update(digest, manifest);
            podmanSecrets.forEach((name, content) -> {
                update(digest, name);
                update(digest, content);
            });
            for (RenderedWorkload.SecretVolume volume : secretVolumes) {
                update(digest, volume.directory().toString() + ":" + volume.mode());
                volume.files().forEach((file, content) -> {
                    update(digest, file);
                    digest.update(content);
                    digest.update((byte) 0);
                });
            }
            update(digest, registryAuth == null ? "" : registryAuth);
            // 40 hex digits: 160 bits, and within the 63 characters a Kubernetes label value may have
            return HexFormat.of().formatHex(digest.digest()).substring(0, 40);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static void update(MessageDigest digest, String text) {
        digest.update(text.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
    }

    /** Carries the workload's name into error messages. */
    private static final class Context {
        final String workload;

        Context(String workload) {
            this.workload = workload;
        }

        FlottaException invalid(String message) {
            return new FlottaException(Code.INVALID_ARGUMENT, "workload '" + workload + "': " + message);
        }
    }
}
