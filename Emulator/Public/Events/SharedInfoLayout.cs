namespace XvifSim.Public.Events;

/// <summary>
/// The event-channel fields of xen.h's <c>shared_info</c> and <c>vcpu_info</c>
/// (x86-64, 2-level ABI). shared_info begins with 32 vcpu_info of 64 bytes;
/// then the evtchn_pending and evtchn_mask bitmaps of 64 u64 words each:
/// 4096 ports.
/// </summary>
public static class SharedInfoLayout
{
    /// <summary>XEN_LEGACY_MAX_VCPUS: vcpu_info slots in shared_info.</summary>
    public const int LegacyMaxVcpus = 32;

    /// <summary>sizeof(struct vcpu_info).</summary>
    public const int VcpuInfoSize = 64;

    /// <summary>evtchn_pending[] (u64 words).</summary>
    public const int EvtchnPendingOffset = 2048;

    /// <summary>evtchn_mask[] (u64 words).</summary>
    public const int EvtchnMaskOffset = 2560;

    /// <summary>Bits per bitmap word (xen_ulong_t on x86-64).</summary>
    public const int BitsPerWord = 64;

    /// <summary>Words in each bitmap (sizeof(xen_ulong_t) * 8).</summary>
    public const int Words = 64;

    /// <summary>EVTCHN_2L_NR_CHANNELS: ports the 2-level ABI can name.</summary>
    public const int NrChannels = BitsPerWord * Words;

    /// <summary>The byte offset of vCPU <paramref name="vcpu"/>'s vcpu_info.</summary>
    public static int VcpuInfo(int vcpu) => vcpu * VcpuInfoSize;

    /// <summary>The byte offset of the pending-bitmap word that holds <paramref name="port"/>.</summary>
    public static int PendingWord(EvtchnPort port) => EvtchnPendingOffset + (int)(port.Value / BitsPerWord) * 8;

    /// <summary>The byte offset of the mask-bitmap word that holds <paramref name="port"/>.</summary>
    public static int MaskWord(EvtchnPort port) => EvtchnMaskOffset + (int)(port.Value / BitsPerWord) * 8;

    /// <summary>The bit of <paramref name="port"/> within its word.</summary>
    public static ulong Bit(EvtchnPort port) => 1UL << (int)(port.Value % BitsPerWord);
}

/// <summary>The event fields of xen.h's <c>vcpu_info</c> (64 bytes).</summary>
public static class VcpuInfoLayout
{
    /// <summary>evtchn_upcall_pending u8: some port selected in pending_sel is pending.</summary>
    public const int EvtchnUpcallPending = 0;

    /// <summary>evtchn_upcall_mask u8: the guest's "interrupts off" flag.</summary>
    public const int EvtchnUpcallMask = 1;

    /// <summary>evtchn_pending_sel u64: which pending-bitmap words may have bits set.</summary>
    public const int EvtchnPendingSel = 8;

    /// <summary>arch_vcpu_info.</summary>
    public const int Arch = 16;

    /// <summary>vcpu_time_info.</summary>
    public const int Time = 32;
}
