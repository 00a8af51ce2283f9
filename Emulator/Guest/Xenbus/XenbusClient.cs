using System.Text;
using XvifSim.Public;
using XvifSim.Public.Events;
using XvifSim.Public.XenStore;

namespace XvifSim.Guest.Xenbus;

/// <summary>
/// The guest kernel's XenStore client (Linux's xenbus_xs.c) over the ring
/// page and event channel the guest was started with. Requests are numbered
/// by req_id and may overlap; replies are matched by req_id. Watch events
/// are dispatched by token to the callback the watch was set with, on the
/// guest's vCPU. Errors the store names come back as <see cref="Errno"/>
/// values; await resumes on the vCPU.
/// </summary>
public sealed partial class XenbusClient
{
    /// <summary>How often <see cref="TransactAsync"/> retries a transaction that ends in EAGAIN.</summary>
    public const int MaxTransactionAttempts = 100;

    private readonly GuestKernel _kernel;
    private readonly EvtchnPort _port;
    private readonly XenbusRing _ring;
    private readonly Dictionary<uint, TaskCompletionSource<(XsdSockmsgType Type, byte[] Payload)>> _pending = [];
    private readonly Dictionary<string, Action<string, string>> _watches = new(StringComparer.Ordinal);
    private readonly Queue<Action> _completions = new();
    private bool _dispatching;
    private uint _nextReqId;

    /// <summary>A client over <paramref name="kernel"/>'s XenStore ring page and event channel (start_info's store_mfn and store_evtchn).</summary>
    public XenbusClient(GuestKernel kernel)
    {
        _kernel = kernel;
        StartInfo start = kernel.Hypercalls.StartInfo;
        _port = start.StoreEvtchn;
        _ring = new XenbusRing(kernel.Hypercalls.Memory.PageMemory(start.StoreMfn));
        kernel.Events.Bind(_port, _ => Poll());
    }

    /// <summary>Why the ring stopped working, if it did.</summary>
    public string? Broken => _ring.Broken;

    /// <summary>Sends one request; completes with the reply's type and payload, or ERROR's errno.</summary>
    public Task<(XsdSockmsgType Type, byte[] Payload)> RequestAsync(XsdSockmsgType type, XenbusTransaction tx, byte[] payload)
    {
        if (payload.Length > XsLimits.PayloadMax)
        {
            return Task.FromResult((XsdSockmsgType.Error, Encoding.ASCII.GetBytes("E2BIG\0")));
        }

        uint reqId = _nextReqId++;
        var reply = new TaskCompletionSource<(XsdSockmsgType, byte[])>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[reqId] = reply;
        byte[] message = new byte[XsdSockmsg.Size + payload.Length];
        new XsdSockmsg(type, reqId, tx.Id, (uint)payload.Length).Write(message);
        payload.CopyTo(message, XsdSockmsg.Size);
        _ring.Queue(message);
        Poll();
        return reply.Task;
    }

    /// <summary>Moves bytes both ways and notifies the server if either direction moved (on an event, or after queueing).</summary>
    private void Poll()
    {
        bool moved = _ring.Write();
        moved |= _ring.Read(OnMessage);
        if (moved)
        {
            _kernel.Events.Notify(_port);
        }

        if (_ring.Broken is not null)
        {
            FailAll();
        }

        // A watch callback may issue a request, whose own Poll lands here
        // again: only the outermost Poll runs completions, one at a time off
        // the queue, so none runs twice and events reach callbacks in the
        // order they arrived even when a nested Poll read more of them.
        if (_dispatching)
        {
            return;
        }

        _dispatching = true;
        try
        {
            while (_completions.TryDequeue(out Action? completion))
            {
                completion();
            }
        }
        finally
        {
            _dispatching = false;
        }
    }

    private void OnMessage(XsdSockmsg header, ReadOnlySpan<byte> payload)
    {
        if (header.Type == XsdSockmsgType.WatchEvent)
        {
            string[] parts = Encoding.Latin1.GetString(payload).Split('\0');
            if (parts.Length >= 2 && _watches.TryGetValue(parts[1], out Action<string, string>? callback))
            {
                string path = parts[0], token = parts[1];
                _completions.Enqueue(() => callback(path, token));
            }

            return;
        }

        if (_pending.Remove(header.ReqId, out var reply))
        {
            byte[] copy = payload.ToArray();
            _completions.Enqueue(() => reply.SetResult((header.Type, copy)));
        }
    }

    private void FailAll()
    {
        foreach (var reply in _pending.Values)
        {
            _completions.Enqueue(() => reply.TrySetResult((XsdSockmsgType.Error, Encoding.ASCII.GetBytes("EIO\0"))));
        }

        _pending.Clear();
    }
}
