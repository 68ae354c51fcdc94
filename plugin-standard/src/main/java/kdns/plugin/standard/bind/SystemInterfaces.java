package kdns.plugin.standard.bind;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;

/** The host's interfaces, through {@link NetworkInterface}. */
final class SystemInterfaces implements Interfaces {

    static final SystemInterfaces INSTANCE = new SystemInterfaces();

    private SystemInterfaces() {
    }

    @Override
    public List<InetAddress> addresses(String name) throws SocketException {
        NetworkInterface nif = NetworkInterface.getByName(name);
        if (nif == null) {
            return null;
        }
        List<InetAddress> out = new ArrayList<>(Collections.list(nif.getInetAddresses()));
        out.sort(Comparator.comparingInt(a -> a instanceof Inet4Address ? 0 : 1));
        return out;
    }
}
