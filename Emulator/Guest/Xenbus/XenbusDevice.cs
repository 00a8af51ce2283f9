using XvifSim.Public;
using XvifSim.Public.Trace;
using XvifSim.Public.Xenbus;

namespace XvifSim.Guest.Xenbus;

/// <summary>
/// One end of a split device as NetBSD's xenbus keeps it (struct
/// xenbus_device): its node (relative to the domain's home: device/vif/0 in a
/// guest, backend/vif/3/0 in dom0), the other end's path and domain, and the
/// helpers every driver uses — state switching and xenbus_dev_fatal.
/// </summary>
public sealed class XenbusDevice
{
    internal XenbusDevice(XenbusClient store, GuestKernel kernel, string nodeName, string type, string otherEndPath, DomId otherEndId, bool isBackend)
    {
        Store = store;
        Kernel = kernel;
        NodeName = nodeName;
        Type = type;
        OtherEndPath = otherEndPath;
        OtherEndId = otherEndId;
        IsBackend = isBackend;
    }

    /// <summary>The <c>xenbus/dom&lt;N&gt;</c> trace channel, opened at the first traced state change.</summary>
    private ITraceChannel? _trace;

    /// <summary>The domain's XenStore client, through which the driver reads and writes the device's keys.</summary>
    public XenbusClient Store { get; }

    /// <summary>The kernel of the domain this end runs in.</summary>
    public GuestKernel Kernel { get; }

    /// <summary>This end's directory, relative to the domain's home.</summary>
    public string NodeName { get; }

    /// <summary>The device class ("vif").</summary>
    public string Type { get; }

    /// <summary>The other end's directory (absolute).</summary>
    public string OtherEndPath { get; }

    /// <summary>The other end's domain: the backend domain for a frontend, the guest for a backend.</summary>
    public DomId OtherEndId { get; }

    /// <summary>True for the backend end.</summary>
    public bool IsBackend { get; }

    /// <summary>The device has reported a fatal error (xenbus_dev_fatal).</summary>
    public bool HasError { get; private set; }

    /// <summary>The watch token of the other end's state, once watched.</summary>
    internal string? OtherEndWatchToken { get; set; }

    /// <summary>
    /// xenbus_switch_state: read our <c>state</c>; write <paramref name="state"/>
    /// only if the read succeeds and the value differs (NetBSD's
    /// xenbus_client.c). Returns the error of the write, if any.
    /// </summary>
    public async Task<Errno> SwitchStateAsync(XenbusState state)
    {
        XsResult<string> current = await Store.ReadAsync($"{NodeName}/state");
        if (!current.IsOk)
        {
            return current.Error;
        }

        string wanted = ((int)state).ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (current.Value == wanted)
        {
            return Errno.Ok;
        }

        Errno written = await Store.WriteAsync($"{NodeName}/state", wanted);
        if (Kernel.Hypercalls.Trace is { } sink)
        {
            _trace ??= sink.Open($"xenbus/dom{Kernel.DomId.Value}", $"xenbus state changes of dom{Kernel.DomId.Value}'s devices (xenbus_switch_state)");
            XenbusState old = int.TryParse(current.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int parsed) ? (XenbusState)parsed : XenbusState.Unknown;
            TraceRecord.EmitXenbusState(_trace, Kernel.DomId, IsBackend ? TraceRingEnd.Backend : TraceRingEnd.Frontend, OtherEndId, old, state, written, $"/local/domain/{Kernel.DomId.Value}/{NodeName}");
        }

        return written;
    }

    /// <summary>
    /// xenbus_dev_fatal: log the message, write <c>error/&lt;node&gt;/error</c>
    /// = "-&lt;errno&gt; &lt;message&gt;" (NetBSD passes errors positive, so
    /// the text starts with the negated value), mark the device in error, and
    /// switch it to Closing.
    /// </summary>
    public async Task DevFatalAsync(Errno error, string message)
    {
        HasError = true;
        Kernel.Log($"{NodeName}: {message}: {(int)error}");
        await Store.WriteAsync($"error/{NodeName}/error", $"{-(int)error} {message}");
        await SwitchStateAsync(XenbusState.Closing);
    }

    /// <summary>Reads an unsigned decimal key of this device (xenbus_read_ul): EINVAL if it is not a number.</summary>
    public Task<XsResult<ulong>> ReadULongAsync(string key) => ReadULongAtAsync($"{NodeName}/{key}");

    /// <summary>Reads an unsigned decimal key of the other end.</summary>
    public Task<XsResult<ulong>> ReadOtherEndULongAsync(string key) => ReadULongAtAsync($"{OtherEndPath}/{key}");

    private async Task<XsResult<ulong>> ReadULongAtAsync(string path)
    {
        XsResult<string> text = await Store.ReadAsync(path);
        if (!text.IsOk)
        {
            return XsResult<ulong>.Failed(text.Error);
        }

        return ulong.TryParse(text.Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ulong value)
            ? XsResult<ulong>.Ok(value)
            : XsResult<ulong>.Failed(Errno.EINVAL);
    }

    /// <summary>The node name.</summary>
    public override string ToString() => NodeName;
}
