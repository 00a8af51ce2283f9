using XvifSim.Public;
using XvifSim.Public.Events;

namespace XvifSim.Guest.Events;

/// <summary>
/// The guest kernel's event upcall on the 2-level ABI (Linux's
/// xen_evtchn_do_upcall): clear evtchn_upcall_pending, swap
/// evtchn_pending_sel to zero, then scan pending &amp; ~mask word by word,
/// clearing each pending bit before calling the port's handler. Ports
/// without a handler are cleared and ignored. Runs on the guest's vCPU.
/// </summary>
public sealed class EventDispatcher
{
    private readonly IHypercalls _hypercalls;
    private readonly Dictionary<uint, Action<EvtchnPort>> _handlers = [];
    private readonly Action<Action> _runInKernel;
    private readonly Memory<byte> _sharedInfo;

    /// <param name="hypercalls">The domain's facade.</param>
    /// <param name="runInKernel">Wraps the upcall (the kernel's interrupt entry), e.g. to make awaits resume on the vCPU.</param>
    public EventDispatcher(IHypercalls hypercalls, Action<Action>? runInKernel = null)
    {
        _hypercalls = hypercalls;
        _runInKernel = runInKernel ?? (work => work());
        // Every port starts masked, as a booting kernel masks them all
        // (Linux's xen_evtchn_mask_all); Bind unmasks the ones it handles.
        // The kernel maps shared_info once at boot, as a real one does; the
        // upcall runs for every event and must not look it up again.
        _sharedInfo = hypercalls.Memory.PageMemory(hypercalls.StartInfo.Layout.SharedInfo);
        Span<byte> shared = _sharedInfo.Span;
        for (int word = 0; word < SharedInfoLayout.Words; word++)
        {
            SharedBits.ExchangeU64(shared, SharedInfoLayout.EvtchnMaskOffset + word * 8, ulong.MaxValue);
        }

        Action upcall = Upcall;
        hypercalls.Vcpu.SetUpcallHandler(() => _runInKernel(upcall));
    }

    /// <summary>Events delivered to a handler so far.</summary>
    public long Delivered { get; private set; }

    /// <summary>Routes events on <paramref name="port"/> to <paramref name="handler"/> and unmasks it.</summary>
    public void Bind(EvtchnPort port, Action<EvtchnPort> handler)
    {
        _handlers[port.Value] = handler;
        _hypercalls.EventChannel.Unmask(port);
    }

    /// <summary>Stops routing <paramref name="port"/> (call before closing it).</summary>
    public void Unbind(EvtchnPort port) => _handlers.Remove(port.Value);

    /// <summary>EVTCHNOP_send (notify_remote_via_evtchn).</summary>
    public Errno Notify(EvtchnPort port) => _hypercalls.EventChannel.Send(port);

    private void Upcall()
    {
        Span<byte> shared = _sharedInfo.Span;
        int vcpuInfo = SharedInfoLayout.VcpuInfo((int)_hypercalls.Vcpu.Id);
        SharedBits.WriteU8(shared, vcpuInfo + VcpuInfoLayout.EvtchnUpcallPending, 0);
        ulong selected = SharedBits.ExchangeU64(shared, vcpuInfo + VcpuInfoLayout.EvtchnPendingSel, 0);
        while (selected != 0)
        {
            int word = System.Numerics.BitOperations.TrailingZeroCount(selected);
            selected &= selected - 1;
            int pendingOffset = SharedInfoLayout.EvtchnPendingOffset + word * 8;
            ulong ready = SharedBits.ReadU64(shared, pendingOffset)
                & ~SharedBits.ReadU64(shared, SharedInfoLayout.EvtchnMaskOffset + word * 8);
            while (ready != 0)
            {
                int bit = System.Numerics.BitOperations.TrailingZeroCount(ready);
                ready &= ready - 1;
                var port = new EvtchnPort((uint)(word * SharedInfoLayout.BitsPerWord + bit));
                if (!SharedBits.TestAndClear(shared, pendingOffset, 1UL << bit))
                {
                    continue;
                }

                if (_handlers.TryGetValue(port.Value, out Action<EvtchnPort>? handler))
                {
                    Delivered++;
                    handler(port);
                }
            }
        }
    }
}
