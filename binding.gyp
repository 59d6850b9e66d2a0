{
  "target_defaults": {
    "cflags_cc": ["-std=c++17", "-fvisibility=hidden", "-Wall", "-Wextra", "-fstack-protector-strong"],
    "cflags!": ["-fno-exceptions"],
    "cflags_cc!": ["-fno-exceptions"],
    "defines": [
      "NAPI_VERSION=8",
      "NAPI_CPP_EXCEPTIONS",
      "NODE_ADDON_API_CPP_EXCEPTIONS_ALL",
      "NODE_ADDON_API_DISABLE_DEPRECATED",
      "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"
    ],
    "conditions": [
      ["OS=='linux'", {
        "defines": ["_FORTIFY_SOURCE=2"],
        "ldflags": ["-Wl,-z,relro", "-Wl,-z,now", "-Wl,-z,noexecstack"]
      }]
    ]
  },
  "targets": [
    {
      "target_name": "tcpstate",
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "sources": [
        "native/addon.cc",
        "native/filter.cc",
        "native/parse.cc",
        "native/ports.cc",
        "native/pressure.cc",
        "native/sockets.cc",
        "native/to_js.cc"
      ],
      "conditions": [
        ["OS=='linux'", {
          "sources": [
            "native/linux/backend.cc",
            "native/linux/bytecode.cc",
            "native/linux/compat.cc",
            "native/linux/counters.cc",
            "native/linux/files.cc",
            "native/linux/messages.cc",
            "native/linux/netlink.cc",
            "native/linux/netns.cc",
            "native/linux/procfs.cc",
            "native/linux/sys_error.cc",
            "native/linux/sysctl.cc"
          ]
        }],
        ["OS!='linux'", {
          "sources": ["native/unsupported/backend.cc"]
        }],
        ["OS=='win'", {
          "sources!": ["native/unsupported/backend.cc"],
          "sources": [
            "native/win/backend.cc",
            "native/win/system_settings.cc",
            "native/win/limits.cc",
            "native/win/rows.cc",
            "native/win/settings.cc"
          ],
          "defines": ["WIN32_LEAN_AND_MEAN", "NOMINMAX", "_HAS_EXCEPTIONS=1"],
          "libraries": ["iphlpapi.lib", "ws2_32.lib", "advapi32.lib", "ole32.lib", "oleaut32.lib", "wbemuuid.lib"],
          "msvs_settings": {
            "VCCLCompilerTool": { "ExceptionHandling": 1, "AdditionalOptions": ["/std:c++17"] }
          }
        }]
      ]
    },
    {
      "target_name": "tcpstate_trace",
      "product_dir": "<(PRODUCT_DIR)/trace",
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "variables": { "trace_libbpf%": "<!(node native/trace/probe.js <(target_arch))" },
      "conditions": [
        ["OS=='linux' and trace_libbpf==1", {
          "sources": ["native/trace/addon.cc", "native/trace/tracer.cc"],
          "libraries": [
            "-lbpf"
          ]
        }, {
          "sources": ["native/trace/unavailable.cc"]
        }]
      ]
    }
  ]
}
