using System.Globalization;
using System.Text;
using XvifSim.Public;

namespace XvifSim.Emulator.XenStore;

/// <summary>
/// XS_CONTROL, as C xenstored's do_control (tools/xenstored/control.c)
/// answers it, for the commands that make sense in a store with no log file,
/// no live update and no memory accounting: <c>print</c>, <c>quota</c>,
/// <c>quota-soft</c> and <c>help</c>. The first string names the command;
/// a payload with no string, a command C does not know or one not offered
/// here (check, log, live-update, logfile, memreport) is EINVAL, as an
/// unknown command is in C; privileged only (EACCES).
/// <para>
/// <c>quota</c> lists and sets the limits this store enforces, under C's
/// names and in C's order (nodes, watches, transactions, node-permissions,
/// path-max, node-size); C's outstanding, memory and transaction-nodes are not
/// enforced here and so not listed. <c>quota max</c> and <c>quota &lt;domid&gt;</c>
/// report maxima seen, which this store does not keep: EINVAL. No soft quota
/// is kept (C's only one is memory), so <c>quota-soft</c> lists none and
/// <c>quota-soft set</c> is EINVAL for every name.
/// </para>
/// </summary>
public sealed partial class XenStoreCore
{
    /// <summary>C's cmds[] rows offered here, in its order: name and parameter help.</summary>
    private static readonly (string Name, string Parameters)[] ControlCommands =
    [
        ("print", "<string>"),
        ("quota", "[set <name> <val>|<domid>|max [-r]]"),
        ("quota-soft", "[set <name> <val>]"),
        ("help", ""),
    ];

    /// <summary>
    /// Lines the store logs for its clients (C's xprintf to the trace or
    /// syslog): <c>control: &lt;string&gt;</c> for XS_CONTROL print. Raised with no lock held.
    /// </summary>
    public event Action<string>? Logged;

    /// <summary>The limits in force now (changed by XS_CONTROL quota set).</summary>
    public XsQuotas Quotas => Volatile.Read(ref _quotas);

    private void ProcessControl(XsRequest request, ReadOnlySpan<byte> payload)
    {
        // do_control: get_string(in, 0) == 0 (no NUL at all) is EINVAL, then
        // the whole vector, command first.
        string[]? vec = null;
        if (payload.IndexOf((byte)0) >= 0)
        {
            int count = XsPayload.CountStrings(payload);
            vec = new string[count];
            for (int i = 0; i < count; i++)
            {
                vec[i] = XsPayload.String(payload, i);
            }
        }

        Execute(request, XsTxMode.Check, true, op => vec is null ? XsReply.Fail(Errno.EINVAL) : Control(op, vec[0], vec.AsSpan(1)));
    }

    private XsReply Control(XsOp op, string command, ReadOnlySpan<string> args) => command switch
    {
        "print" => ControlPrint(op, args),
        "quota" => ControlQuota(args),
        "quota-soft" => args.Length == 0 ? Text("Quota settings:\n") : XsReply.Fail(Errno.EINVAL),
        "help" => args.Length == 0 ? Text(Help()) : XsReply.Fail(Errno.EINVAL),
        _ => XsReply.Fail(Errno.EINVAL),
    };

    /// <summary>do_control_print: exactly one string, logged as "control: %s".</summary>
    private XsReply ControlPrint(XsOp op, ReadOnlySpan<string> args)
    {
        if (args.Length != 1)
        {
            return XsReply.Fail(Errno.EINVAL);
        }

        string line = $"control: {args[0]}";
        op.Delivery.After(() => Logged?.Invoke(line));
        return XsReply.Ok;
    }

    /// <summary>do_control_quota: no argument lists, "set &lt;name&gt; &lt;val&gt;" sets (val below 1 is EINVAL).</summary>
    private XsReply ControlQuota(ReadOnlySpan<string> args)
    {
        if (args.Length == 0)
        {
            var text = new StringBuilder("Quota settings:\n");
            foreach ((string name, string description, int limit) in QuotaRows(_quotas))
            {
                text.Append(CultureInfo.InvariantCulture, $"{name,-17}: {limit,8} {description}\n");
            }

            return Text(text.ToString());
        }

        if (args[0] != "set" || args.Length != 3)
        {
            return XsReply.Fail(Errno.EINVAL);
        }

        // quota_set: atoi, so "12abc" is 12 and "abc" is 0 (below 1: EINVAL).
        int value = LeadingInt(args[2]);
        if (value < 1)
        {
            return XsReply.Fail(Errno.EINVAL);
        }

        XsQuotas? updated = args[1] switch
        {
            "nodes" => _quotas with { Nodes = value },
            "watches" => _quotas with { Watches = value },
            "transactions" => _quotas with { Transactions = value },
            "node-permissions" => _quotas with { PermsPerNode = value },
            "path-max" => _quotas with { PathLength = value },
            "node-size" => _quotas with { NodeSize = value },
            _ => null,
        };
        if (updated is null)
        {
            return XsReply.Fail(Errno.EINVAL);
        }

        Volatile.Write(ref _quotas, updated);
        return XsReply.Ok;
    }

    /// <summary>C's hard_quotas[] rows this store enforces: name, description and value, in C's order.</summary>
    private static IEnumerable<(string Name, string Description, int Value)> QuotaRows(XsQuotas quotas)
    {
        yield return ("nodes", "Nodes per domain", quotas.Nodes);
        yield return ("watches", "Watches per domain", quotas.Watches);
        yield return ("transactions", "Active transactions per domain", quotas.Transactions);
        yield return ("node-permissions", "Max. number of permissions per node", quotas.PermsPerNode);
        yield return ("path-max", "Max. length of a node path", quotas.PathLength);
        yield return ("node-size", "Max. size of a node", quotas.NodeSize);
    }

    /// <summary>do_control_help: "%-15s %s\n" per command.</summary>
    private static string Help()
    {
        var text = new StringBuilder();
        foreach ((string name, string parameters) in ControlCommands)
        {
            text.Append(CultureInfo.InvariantCulture, $"{name,-15} {parameters}\n");
        }

        return text.ToString();
    }

    /// <summary>C's atoi: optional sign and leading digits; anything else gives 0.</summary>
    private static int LeadingInt(string text)
    {
        int i = 0;
        bool negative = false;
        if (i < text.Length && text[i] is '+' or '-')
        {
            negative = text[i] == '-';
            i++;
        }

        long value = 0;
        for (; i < text.Length && char.IsAsciiDigit(text[i]) && value <= int.MaxValue; i++)
        {
            value = (value * 10) + (text[i] - '0');
        }

        value = Math.Min(value, int.MaxValue);
        return (int)(negative ? -value : value);
    }

    /// <summary>send_reply with a string: the text and its NUL.</summary>
    private static XsReply Text(string text) => XsReply.Success(XsPayload.Terminated(text));
}
