package dev.posbench.bank;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.posbench.BadInputException;
import java.net.URI;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code json-http} dialect: the terminal talks to WireMock itself. */
final class HttpFront implements Front {

    private static final Logger LOG = LoggerFactory.getLogger(HttpFront.class);

    private final WireMockServer server;
    private final String host;
    private final int port;
    private final String path;

    HttpFront(WireMockServer server, String host, int port, String path) {
        this.server = server;
        this.host = host;
        this.port = port;
        this.path = path;
    }

    @Override
    public URI address() {
        return URI.create("http://" + host + ":" + port + path);
    }

    @Override
    public synchronized void refuseConnections() {
        if (server.isRunning()) {
            server.stop();
            LOG.debug("bank refuses connections on port {}", port);
        }
    }

    @Override
    public synchronized void acceptConnections() {
        if (server.isRunning()) {
            return;
        }
        try {
            server.start();
        } catch (RuntimeException e) {
            if (FakeBank.bindFailure(e).isPresent()) {
                throw new BadInputException(FakeBank.LISTEN_SETTING, "port " + port + " on " + host
                        + " was taken by another program while the bank refused connections", e);
            }
            throw e;
        }
        LOG.debug("bank accepts connections on port {} again", port);
    }

    @Override
    public void close() {
        // the server is the bank's, which stops it
    }
}
