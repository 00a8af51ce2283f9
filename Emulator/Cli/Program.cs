using XvifSim.Host.Cli;

return XvifSimCommand.Create().Parse(args).Invoke();
