// Package azure implements wizard.Cloud over the Azure SDK for Go (track
// 2):
// credential, cloud and az CLI defaults, clients, pagers, pollers and resume
// tokens, SDK types → wizard types, *azcore.ResponseError → wizard errors
// with hints (mapped once, here; no SDK type crosses the port).
//
// It imports wizard, rules and the Azure SDK only (never ui; azure/sim only
// in tests). Demo mode is this same code with the simulator's in-memory
// transport and StaticCredential:
//
//	h, _ := sim.New(sim.Options{StatePath: sim.DefaultStatePath()})
//	c, _ := azure.New(azure.Options{
//		Credential:            azure.StaticCredential{},
//		Transport:             sim.NewTransport(h),
//		DisableRPRegistration: true,
//		Expected:              map[wizard.OpKind]time.Duration{wizard.OpCreate: 20 * time.Second, wizard.OpAttach: 10 * time.Second},
//	})
//
// The current path (kubernetes.go): providers through armresources,
// managed clusters through armcontainerservice/v8, the Azure ML extension
// through armkubernetesconfiguration/v2 (api 2022-11-01), the Kubernetes
// compute through armmachinelearning/v4. ClusterRequest and
// ExtensionRequest marshal the very SDK value CreateCluster and
// InstallExtension send (its MarshalJSON), with protected settings and PEM
// blocks "<redacted>". Cluster and extension operations keep their resume
// token under StateDir/ops (by cluster and kind); Follow also follows one
// without a token by the resource's provisioningState, so a re-run can
// continue a phase another process started.
package azure
