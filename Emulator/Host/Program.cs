using XvifSim.Host.Cli;

return XvifSimCommand.Run(args);
