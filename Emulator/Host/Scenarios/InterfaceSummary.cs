using XvifSim.Guest.Net;

namespace XvifSim.Host.Scenarios;

/// <summary>
/// The closing table of a scenario: per interface, what `netstat -i` would
/// show, and its capture file. An interface that went and came back under
/// the same name (network-detach and -attach, a backend recreated at resume)
/// is one line, its attachments' counters added, as its frames are in one
/// capture file. The capture column is the file name in the folder given
/// above the table, so a line fits 100 columns.
/// </summary>
internal static class InterfaceSummary
{
    public static void Write(TextWriter output, IEnumerable<(string Domain, NetworkInterface Iface)> interfaces, Func<string, string, string?> captureFile)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(captureFile);
        var rows = new List<(string Domain, string Name, long[] Counts)>();
        foreach ((string domain, NetworkInterface iface) in interfaces)
        {
            InterfaceCounters c = iface.Counters;
            long[] counts = [c.InPackets, c.InBytes, c.OutPackets, c.OutBytes, c.InErrors, c.InDrops, c.OutErrors, c.OutDrops];
            int index = rows.FindIndex(r => r.Domain == domain && r.Name == iface.Name);
            if (index < 0)
            {
                rows.Add((domain, iface.Name, counts));
                continue;
            }

            long[] sum = rows[index].Counts;
            for (int i = 0; i < sum.Length; i++)
            {
                sum[i] += counts[i];
            }
        }

        output.WriteLine($"{"interface",-15} {"in pkts",7} {"in bytes",9} {"out pkts",8} {"out bytes",9} {"ierrs",5} {"idrops",6} {"oerrs",5} {"odrops",6}  capture");
        foreach ((string domain, string name, long[] n) in rows)
        {
            output.WriteLine($"{$"{domain}/{name}",-15} {n[0],7} {n[1],9} {n[2],8} {n[3],9} {n[4],5} {n[5],6} {n[6],5} {n[7],6}  {captureFile(domain, name) ?? "-"}");
        }
    }
}
