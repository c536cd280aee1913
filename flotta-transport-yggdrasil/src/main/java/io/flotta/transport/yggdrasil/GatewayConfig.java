package io.flotta.transport.yggdrasil;

/**
 * The gateway's settings as a worker learns them through {@code GetConfig}; every value may be empty.
 *
 * @param logLevel   the gateway's log level
 * @param clientId   the device id the gateway uses towards the control plane
 * @param socketAddr the dispatcher's socket address
 * @param server     the control plane's address
 * @param certFile   the client certificate the gateway presents; workers write a renewed one here
 * @param keyFile    its private key (PEM, SEC1 for EC keys)
 * @param caRoot     the CA certificate file(s) the gateway trusts
 */
public record GatewayConfig(String logLevel, String clientId, String socketAddr, String server, String certFile,
                            String keyFile, String caRoot) {

    public GatewayConfig {
        logLevel = orEmpty(logLevel);
        clientId = orEmpty(clientId);
        socketAddr = orEmpty(socketAddr);
        server = orEmpty(server);
        certFile = orEmpty(certFile);
        keyFile = orEmpty(keyFile);
        caRoot = orEmpty(caRoot);
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
