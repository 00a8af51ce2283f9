using XvifSim.Guest.Net;

namespace XvifSim.Backend;

/// <summary>
/// A good TX packet staged in a copy batch: where its responses are in the
/// batch's id list, how many data slots it has, and the dom0 packet buffer
/// its bytes are copied into. Failed is set when any of its copy ops fails.
/// ChecksumBlank carries the first slot's NETTXF_csum_blank, Hash what a
/// HASH extra-info segment said (none without one).
/// </summary>
internal struct TxPacket(int firstResponse, int responses, int slots, PacketBuffer buffer, bool checksumBlank, PacketHash hash)
{
    public bool ChecksumBlank = checksumBlank;
    public PacketHash Hash = hash;
    public int FirstResponse = firstResponse;
    public int Responses = responses;
    public int Slots = slots;
    public PacketBuffer? Buffer = buffer;
    public bool Failed;
}
