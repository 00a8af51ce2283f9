using XvifSim.Tests.Host.Scenarios;

namespace XvifSim.Tests.Host.Trace;

/// <summary>
/// all.pcapng's trace records as tshark decodes them with the repository's
/// dissector (tools/wireshark/xvifsim.lua), two-pass so request/response
/// links point both ways: one <see cref="TraceRow"/> per frame.
/// </summary>
internal static class TraceRecords
{
    /// <summary>The fields read per frame, in <see cref="TraceRow"/>'s order.</summary>
    public static readonly string[] Fields =
    [
        "frame.number", "frame.interface_name", "xvifsim.type", "xvifsim.domid",
        "xenstore.direction", "xenstore.conn", "xenstore.type", "xenstore.req_id", "xenstore.tx_id", "xenstore.path", "xenstore.value", "xenstore.result",
        "xenbus.end", "xenbus.path", "xenbus.old_state", "xenbus.new_state",
        "netif.ring", "netif.action", "netif.index", "netif.id", "netif.gref", "netif.status", "netif.request_in", "netif.response_in",
        "gnttab.op", "gnttab.status_name", "gnttab.src_dom", "gnttab.src_ref", "gnttab.dst_dom", "gnttab.dst_ref",
        "_ws.expert.message", "_ws.col.Info",
    ];

    /// <summary>tools/wireshark/xvifsim.lua in the checkout the tests were built from.</summary>
    public static string Dissector
    {
        get
        {
            for (DirectoryInfo? dir = new(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "XvifSim.sln")))
                {
                    return Path.Combine(dir.FullName, "tools", "wireshark", "xvifsim.lua");
                }
            }

            throw new InvalidOperationException($"no XvifSim.sln above {TestContext.CurrentContext.TestDirectory}");
        }
    }

    /// <summary>Runs tshark with the dissector on <paramref name="file"/> (display filter <paramref name="filter"/>) and returns every row.</summary>
    public static List<TraceRow> Read(string file, string filter = "xvifsim || eth")
    {
        List<string> args = ["-2", "-X", $"lua_script:{Dissector}", "-r", file, "-Y", filter, "-T", "fields", "-E", "separator=\u001f", "-E", "occurrence=a", "-E", "aggregator=\u001e"];
        foreach (string field in Fields)
        {
            args.Add("-e");
            args.Add(field);
        }

        string[] lines = Tshark.Run([.. args]);
        Assert.That(string.Join('\n', lines), Does.Not.Contain("Lua Error").And.Not.Contain("lua_script"), "the dissector raised a Lua error");
        return [.. lines.Select(line => new TraceRow(line.Split('\u001f')))];
    }
}
