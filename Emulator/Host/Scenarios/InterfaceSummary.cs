using XvifSim.Guest.Net;

namespace XvifSim.Host.Scenarios;

/// <summary>The closing table of a scenario: per interface, what `netstat -i` would show, and its capture file.</summary>
internal static class InterfaceSummary
{
    public static void Write(TextWriter output, IEnumerable<(string Domain, NetworkInterface Iface)> interfaces, Func<string, string, string?> captureFile)
    {
        output.WriteLine($"{"interface",-20} {"in pkts",8} {"in bytes",10} {"out pkts",8} {"out bytes",10} {"ierrs",6} {"idrops",6} {"oerrs",6} {"odrops",6}  capture");
        foreach ((string domain, NetworkInterface iface) in interfaces)
        {
            InterfaceCounters c = iface.Counters;
            string name = $"{domain}/{iface.Name}";
            output.WriteLine($"{name,-20} {c.InPackets,8} {c.InBytes,10} {c.OutPackets,8} {c.OutBytes,10} {c.InErrors,6} {c.InDrops,6} {c.OutErrors,6} {c.OutDrops,6}  {captureFile(domain, iface.Name) ?? "-"}");
        }
    }
}
