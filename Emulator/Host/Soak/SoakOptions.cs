namespace XvifSim.Host.Soak;

/// <summary>How big and how long a soak is: guests, seconds of scheduler time, which scheduler (and the threaded one's pCPUs, null for one per core), the seed of its random events.</summary>
internal sealed record SoakOptions(int Guests = 64, double Seconds = 60, bool Threaded = true, int Seed = 1, int? Pcpus = null);
