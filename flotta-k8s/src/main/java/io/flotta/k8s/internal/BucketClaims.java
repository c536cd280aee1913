package io.flotta.k8s.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.flotta.core.storage.StorageWire;
import io.flotta.spi.storage.BucketAccess;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ObjectBucketClaim}s ({@code objectbucket.io/v1alpha1}) for devices that request storage:
 * one claim per device, named after it and owned by its {@code EdgeDevice}. A bucket provisioner
 * binds the claim and writes a ConfigMap ({@code BUCKET_HOST}, {@code BUCKET_PORT},
 * {@code BUCKET_NAME}, {@code BUCKET_REGION}) and a Secret ({@code AWS_ACCESS_KEY_ID},
 * {@code AWS_SECRET_ACCESS_KEY}) of the claim's name: those become the device's bucket.
 */
public final class BucketClaims {

    public static final ResourceDefinitionContext CLAIM = new ResourceDefinitionContext.Builder()
            .withGroup("objectbucket.io").withVersion("v1alpha1").withKind("ObjectBucketClaim")
            .withPlural("objectbucketclaims").withNamespaced(true).build();
    /** Label on the claims this control plane created. */
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

    private final KubernetesClient client;
    private final String storageClassName;
    private final SharedIndexInformer<GenericKubernetesResource> informer;

    public BucketClaims(KubernetesClient client, String storageClassName, SharedIndexInformer<GenericKubernetesResource> informer) {
        this.client = client;
        this.storageClassName = storageClassName;
        this.informer = informer;
    }

    public static MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>>
            claims(KubernetesClient client) {
        return client.genericKubernetesResources(CLAIM);
    }

    /** Creates the device's claim unless it exists; returns its name. */
    public String ensure(HasMetadata device) {
        String ns = device.getMetadata().getNamespace();
        String name = device.getMetadata().getName();
        if (informer.getStore().getByKey(ns + "/" + name) != null) {
            return name;
        }
        GenericKubernetesResource claim = new GenericKubernetesResource();
        claim.setApiVersion("objectbucket.io/v1alpha1");
        claim.setKind("ObjectBucketClaim");
        claim.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns)
                .withLabels(Map.of(MANAGED_BY, "flotta"))
                // the claim goes with its device, also when the garbage collector does the deleting
                .withOwnerReferences(new OwnerReferenceBuilder().withApiVersion(device.getApiVersion())
                        .withKind(device.getKind()).withName(name).withUid(device.getMetadata().getUid())
                        .withBlockOwnerDeletion(false).build())
                .build());
        claim.setAdditionalProperty("spec", Map.of("generateBucketName", name, "storageClassName", storageClassName));
        try {
            claims(client).inNamespace(ns).resource(claim).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != 409) {
                throw e;
            }
        }
        return name;
    }

    /**
     * The bucket of a bound claim, in the device configuration's {@code storage.s3} format; empty
     * while no provisioner has bound it (or its ConfigMap or Secret is missing).
     */
    public Optional<JsonNode> bucket(String namespace, String claimName) {
        GenericKubernetesResource claim = informer.getStore().getByKey(namespace + "/" + claimName);
        if (claim == null || !"Bound".equals(phase(claim))) {
            return Optional.empty();
        }
        ConfigMap config = client.configMaps().inNamespace(namespace).withName(claimName).get();
        Secret secret = client.secrets().inNamespace(namespace).withName(claimName).get();
        if (config == null || config.getData() == null || secret == null || secret.getData() == null) {
            return Optional.empty();
        }
        Map<String, String> c = config.getData();
        String host = c.get("BUCKET_HOST");
        String bucket = c.get("BUCKET_NAME");
        if (host == null || bucket == null) {
            return Optional.empty();
        }
        String port = c.getOrDefault("BUCKET_PORT", "443");
        String scheme = "443".equals(port) ? "https" : "http";
        BucketAccess access = new BucketAccess(URI.create(scheme + "://" + host + ":" + port), bucket,
                c.get("BUCKET_REGION"), decode(secret, "AWS_ACCESS_KEY_ID"), decode(secret, "AWS_SECRET_ACCESS_KEY"), null);
        return Optional.of(StorageWire.toWire(access));
    }

    /** Deletes the device's claim, if this control plane created it. */
    public void delete(String namespace, String deviceId) {
        GenericKubernetesResource claim = informer.getStore().getByKey(namespace + "/" + deviceId);
        if (claim == null || !"flotta".equals(claim.getMetadata().getLabels() == null ? null
                : claim.getMetadata().getLabels().get(MANAGED_BY))) {
            return;
        }
        claims(client).inNamespace(namespace).withName(deviceId).delete();
    }

    private static String phase(GenericKubernetesResource claim) {
        Object status = claim.getAdditionalProperties().get("status");
        return status instanceof Map<?, ?> m && m.get("phase") != null ? m.get("phase").toString() : null;
    }

    private static String decode(Secret secret, String key) {
        String value = secret.getData().get(key);
        return value == null ? null : new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
    }
}
